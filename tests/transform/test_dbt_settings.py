"""The dbt settings users touch: sample_size validation and the encrypted staging file."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from .conftest import REPO_ROOT, run_dbt
from .raw_clinic import RECORDS
from .raw_staging import declared_columns, write_staging_file


def test_sample_size_zero_fails_naming_the_var(tmp_path: Path) -> None:
    database = tmp_path / "staging.duckdb"
    write_staging_file(database, {}, declared_columns(REPO_ROOT))
    result = run_dbt(["parse", "--vars", "{sample_size: 0}"], database, tmp_path)
    assert result.returncode != 0
    assert "dbt var 'sample_size' must be a positive number of patients" in result.stdout


def test_encrypted_staging_file_is_attached_with_the_key(tmp_path: Path) -> None:
    httpfs = pytest.importorskip("cliniko_staging.database", reason="cliniko-staging not installed")
    key = "test-key-0123456789"
    database = tmp_path / "staging.duckdb"
    plain = tmp_path / "plain.duckdb"
    write_staging_file(plain, {"patients": RECORDS["patients"]}, declared_columns(REPO_ROOT))
    with duckdb.connect() as connection:
        httpfs.load_httpfs(connection)
        connection.execute(f"attach '{database}' as encrypted (encryption_key '{key}')")
        connection.execute(f"attach '{plain}' as plain (read_only)")
        connection.execute("copy from database plain to encrypted")
    with pytest.raises(duckdb.Error, match="without a key"):
        duckdb.connect(str(database)).close()

    result = run_dbt(
        ["run", "--select", "stg_cliniko__patients"], database, tmp_path, encryption_key=key
    )
    assert result.returncode == 0, result.stdout[-3000:]
    with duckdb.connect() as connection:
        connection.execute(f"attach '{database}' as staging (encryption_key '{key}', read_only)")
        count = connection.execute("select count(*) from staging.staging.stg_cliniko__patients")
        assert count.fetchone()[0] == len({p["id"] for p in RECORDS["patients"]})
    written = [path for path in tmp_path.rglob("*") if path.is_file() and path.suffix != ".duckdb"]
    assert all(key not in path.read_text(errors="ignore") for path in written)
    assert key not in result.stdout
