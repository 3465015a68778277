"""The stock pipeline's loader: target-duckdb 0.8.0 from the package index, in its own venv.

It is installed once into output/bench/stock-venv with uv (never into the workspace: it pins
old singer libraries). Its row loss is measured, not assumed: with duckdb >= 1.3 it drops the
first row of every batch, which is part of why the project has its own loader.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

from bench.clinics import WORK

VENV = WORK / "stock-venv"
PACKAGE = "target-duckdb==0.8.0"
COUNT_ROWS = """
import duckdb, sys
con = duckdb.connect(sys.argv[1], read_only=True)
names = con.execute("select table_schema, table_name from information_schema.tables").fetchall()
print(sum(con.execute(f'select count(*) from "{s}"."{t}"').fetchone()[0] for s, t in names))
"""


def ensure_target() -> Path:
    """The target-duckdb executable, installing it on first use (needs the package index)."""
    executable = VENV / "bin" / "target-duckdb"
    if executable.exists():
        return executable
    uv = shutil.which("uv") or str(Path(sys.executable).parent / "uv")
    subprocess.run([uv, "venv", "-q", "--python", "3.11", str(VENV)], check=True)
    python = str(VENV / "bin" / "python")
    subprocess.run([uv, "pip", "install", "-q", "--python", python, PACKAGE], check=True)
    return executable


def target_config(database: Path, path: Path) -> Path:
    path.write_text(json.dumps({"path": str(database), "default_target_schema": "raw"}))
    return path


def count_rows(database: Path) -> int:
    """Rows in every table of the stock database, read with the stock venv's own duckdb."""
    done = subprocess.run(
        [str(VENV / "bin" / "python"), "-c", COUNT_ROWS, str(database)],
        capture_output=True,
        text=True,
        check=True,
    )
    return int(done.stdout.strip())
