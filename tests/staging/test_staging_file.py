"""The staging file: private modes, encryption at rest, and one writer at a time."""

from __future__ import annotations

import os
import stat

import duckdb
import pytest
from cliniko_staging.database import StagingDatabase, StagingFileError, StagingFileLockedError
from singer_sdk.exceptions import MissingKeyPropertiesError
from staging_helpers import (
    PATIENT_SCHEMA,
    file_held_by_another_process,
    patient,
    record,
    run_target,
    schema,
)

MARKER = "Zebediah-Quixote"  # a name that must not appear in an encrypted file


def _mode(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def _load(config, count=30):
    _load_bodies(config, [patient(n, first_name=MARKER) for n in range(count)])


def _load_bodies(config, bodies):
    messages = [schema("patients", PATIENT_SCHEMA), *(record("patients", b) for b in bodies)]
    run_target(config, messages)


def test_folder_file_and_wal_are_private_and_the_umask_is_restored(tmp_path):
    path = tmp_path / "new" / "nested" / "staging.duckdb"
    umask_before = os.umask(0o022)
    os.umask(umask_before)

    _load({"path": str(path), "batch_size_rows": 5})

    assert _mode(path.parent) == 0o700
    assert _mode(path) == 0o600
    database = StagingDatabase(path)
    database.connection.execute("CREATE TABLE raw_cliniko.extra AS SELECT 1 AS x")
    wal = path.with_name(path.name + ".wal")
    assert wal.exists()
    assert _mode(wal) == 0o600
    database.close()
    assert os.umask(umask_before) == umask_before


def test_an_existing_file_with_loose_modes_is_tightened(tmp_path):
    path = tmp_path / "staging.duckdb"
    duckdb.connect(str(path)).close()
    path.chmod(0o644)

    _load({"path": str(path)}, count=1)

    assert _mode(path) == 0o600


def test_an_encrypted_file_round_trips_and_hides_its_contents(tmp_path):
    path = tmp_path / "staging.duckdb"

    _load({"path": str(path), "encryption_key": "correct horse", "batch_size_rows": 7})

    assert MARKER.encode() not in path.read_bytes()
    reader = StagingDatabase(path, encryption_key="correct horse", read_only=True)
    count = reader.connection.execute(
        "SELECT count(*) FROM raw_cliniko.patients WHERE first_name = ?", [MARKER]
    ).fetchone()
    reader.close()
    assert count == (30,)
    # A second run appends to the encrypted file with the same key.
    run_target(
        {"path": str(path), "encryption_key": "correct horse"},
        [schema("patients", PATIENT_SCHEMA), record("patients", patient(99))],
    )
    reader = StagingDatabase(path, encryption_key="correct horse", read_only=True)
    assert reader.connection.execute("SELECT count(*) FROM raw_cliniko.patients").fetchone() == (
        31,
    )
    reader.close()


def test_an_encrypted_file_refuses_a_missing_or_wrong_key_clearly(tmp_path):
    path = tmp_path / "staging.duckdb"
    _load({"path": str(path), "encryption_key": "correct horse"}, count=1)

    with pytest.raises(StagingFileError, match="encrypted: set `encryption_key`"):
        StagingDatabase(path, read_only=True)
    with pytest.raises(StagingFileError, match="wrong key"):
        StagingDatabase(path, encryption_key="battery staple", read_only=True)


def test_a_second_writer_stops_with_a_message_naming_the_file(tmp_path):
    path = tmp_path / "staging.duckdb"
    with (
        file_held_by_another_process(path, read_only=False),
        pytest.raises(StagingFileLockedError, match=f"{path} is in use by another process"),
    ):
        _load({"path": str(path)}, count=1)


def test_a_failed_run_releases_the_file_and_the_umask(tmp_path):
    path = tmp_path / "staging.duckdb"
    umask_before = os.umask(0o022)
    os.umask(umask_before)

    with pytest.raises(MissingKeyPropertiesError):
        _load_bodies({"path": str(path)}, [patient(1, id=None)])

    assert os.umask(umask_before) == umask_before
    duckdb.connect(str(path)).close()  # not left open by the failed run


def test_a_bad_memory_limit_names_the_setting(tmp_path):
    with pytest.raises(StagingFileError, match="`memory_limit`"):
        _load({"path": str(tmp_path / "s.duckdb"), "memory_limit": "plenty"}, count=1)
