"""Nothing leaks from a run at DEBUG; files holding clinic data are private (docs/security.md).

The run is bad_data_pipeline's: one clinic (with the bad-data corpus: unicode, right-to-left and
script-tag text included) migrated into Freshsales and Salesforce, every Singer plugin at DEBUG,
dbt's debug log, then `crmsync report` and `crmsync diff` at DEBUG for both CRMs. The scan reads
every log line and every file of the run folder outside the data files, looking for the API
keys and secrets and for the seeded patients' names, emails, phone numbers and note text. So that
it cannot pass by looking in the wrong place, the same scan must find those values in the data
files and the secrets in the config files.
"""

from __future__ import annotations

import re
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest
from bad_data_pipeline import CRMS, CorpusRun, corpus_run
from clinic_sandbox.clinic.generator import DB_NAME
from clinic_sandbox.store import ClinicStore

pytestmark = pytest.mark.slow

# Files that hold clinic data by design (they are checked for their mode instead).
DATA_FILES = ("staging.duckdb", "staging.duckdb.wal")
DATA_DIRS = ("sync", "attachments", "reports")
MESSAGES = "*.singer"  # the Singer files the e2e helper keeps: records, by design
# Config files hold the credentials they are given (mode 0600, written by the helper).
CONFIGS = "*.json"
SHORTEST_NEEDLE = 8  # shorter values ("Ray", "0400") match unrelated text


@pytest.fixture(scope="module")
def run() -> CorpusRun:
    run = corpus_run()
    # Every command an operator runs after a migration, at DEBUG, its output kept for the scan.
    for crm in CRMS:
        inventory = str(run.work / "inventory.json")
        assert run.crmsync(crm, "report", "--inventory", inventory).returncode == 0, crm
        done = run.crmsync(crm, "diff")
        assert done.returncode in (0, 1), (crm, done.stderr[-2000:])
    return run


def patient_values(store: ClinicStore) -> dict[str, set[str]]:
    """What a leak would show, by kind: full names, emails, phone numbers, note text."""
    found: dict[str, set[str]] = {"name": set(), "email": set(), "phone": set(), "note": set()}
    for patient in store.records("patients"):
        first, last = patient.get("first_name"), patient.get("last_name")
        if first and last:
            found["name"].add(f"{first} {last}")
        if patient.get("email"):
            found["email"].add(patient["email"].strip())
        for phone in patient.get("patient_phone_numbers") or []:
            found["phone"].add(phone["number"])
        if patient.get("notes"):
            found["note"].add(patient["notes"][:60])
    for note in store.records("treatment_notes"):
        for section in note["content"]["sections"]:
            for question in section["questions"]:
                answer = re.sub(r"<[^>]*>", "", str(question.get("answer") or ""))
                if len(answer) >= 40:
                    found["note"].add(answer[:40])
    return {
        kind: {v for v in values if len(v) >= SHORTEST_NEEDLE} for kind, values in found.items()
    }


@pytest.fixture(scope="module")
def needles(run: CorpusRun) -> Iterator[dict[str, set[str]]]:
    store = ClinicStore(run.cliniko.data_dir / DB_NAME)
    try:
        yield patient_values(store)
    finally:
        store.close()


def is_data(run: CorpusRun, path: Path) -> bool:
    relative = path.relative_to(run.work)
    return relative.parts[0] in DATA_DIRS or relative.name in DATA_FILES or path.match(MESSAGES)


def files_outside_data(run: CorpusRun) -> list[Path]:
    return [p for p in run.work.rglob("*") if p.is_file() and not is_data(run, p)]


def leaks(paths: list[Path], values: set[str]) -> dict[str, int]:
    """Which files hold any of the values, and how many of them (never the values)."""
    found = {}
    for path in paths:
        text = path.read_bytes().decode("utf-8", errors="replace")
        hits = sum(1 for value in values if value in text)
        if hits:
            found[str(path.name)] = hits
    return found


def test_the_scan_reads_logs_of_every_process(run: CorpusRun) -> None:
    names = {p.name for p in run.log_files()}
    assert {"singer-debug.log", "dbt.log", "tap-cliniko.err"} <= names
    assert {f"target-{crm}.err" for crm in CRMS} <= names
    debug = (run.work / "singer-debug.log").read_text(errors="replace")
    # DEBUG really was on, in the tap and in both targets.
    for logger in ("tap-cliniko", "target-freshsales", "target-salesforce"):
        assert re.search(rf"DEBUG {re.escape(logger)}\b", debug), logger


def test_the_scan_finds_the_values_where_they_belong(
    run: CorpusRun, needles: dict[str, set[str]]
) -> None:
    """Not vacuous: every kind of value is in the data, and the secrets in the configs."""
    raw = "\n".join(
        str(row)
        for table in ("patients", "treatment_notes")
        for row in run.query(f"select to_json(t) from raw_cliniko.{table} as t")  # noqa: S608
    )
    singer = "\n".join(p.read_text(errors="replace") for p in run.work.glob(MESSAGES))
    for kind, values in needles.items():
        assert values, kind
        missing = [v for v in values if v not in singer and v not in raw]
        assert len(missing) < len(values) / 2, (kind, len(missing), len(values))
    configs = [p for p in run.work.glob(CONFIGS)]
    assert set(leaks(configs, set(run.secrets.values()))), "the secrets are in the config files"


def test_no_secret_in_any_log_or_non_data_file(run: CorpusRun) -> None:
    outside = [p for p in files_outside_data(run) if not p.match(CONFIGS) or p.parent != run.work]
    assert len(outside) > 20  # logs, dbt's target folder, state, inventory
    for setting, secret in run.secrets.items():
        assert not leaks(outside, {secret}), setting
    # Nor in a data file: a report or the sync store never keeps a credential.
    data = [p for p in run.work.rglob("*") if p.is_file() and is_data(run, p)]
    assert not leaks(data, set(run.secrets.values()))


@pytest.mark.parametrize("kind", ["name", "email", "phone", "note"])
def test_no_patient_value_in_any_log_or_non_data_file(
    run: CorpusRun, needles: dict[str, set[str]], kind: str
) -> None:
    assert not leaks(files_outside_data(run), needles[kind]), kind


def private(path: Path) -> bool:
    """Nobody but the owner can read, write or enter it."""
    return stat.S_IMODE(path.stat().st_mode) & 0o077 == 0


def test_files_holding_clinic_data_are_private(run: CorpusRun) -> None:
    """staging, sync stores, attachments, reports and diff files: 0600, their folders 0700."""
    checked = []
    for name in DATA_DIRS:
        folder = run.work / name
        assert folder.is_dir(), name
        assert stat.S_IMODE(folder.stat().st_mode) == 0o700, name
        for path in folder.rglob("*"):
            expected = 0o700 if path.is_dir() else 0o600
            assert stat.S_IMODE(path.stat().st_mode) == expected, path.relative_to(run.work)
            checked.append(path.name)
    for name in DATA_FILES:
        path = run.work / name
        if path.exists():
            assert stat.S_IMODE(path.stat().st_mode) == 0o600, name
            checked.append(name)
    assert "staging.duckdb" in checked
    assert {f"{crm}.sqlite" for crm in CRMS} <= set(checked)
    assert {f"{crm}-report.html" for crm in CRMS} <= set(checked)
    assert any(name.startswith("freshsales-diff") for name in checked), sorted(checked)
    assert any(p.suffix in (".dcm", ".png", ".pdf", ".txt") for p in map(Path, checked))
