"""The corpus in a generated clinic: every named class has its records, at fixed ids."""

from __future__ import annotations

from pathlib import Path

from clinic_sandbox.clinic.corpus import CLASSES, corpus_ids
from clinic_sandbox.clinic.generator import DB_NAME, GenerateOptions, generate_clinic
from clinic_sandbox.store import ClinicStore

AS_OF = 1767225600
# The classes issue 9 names; each must exist in the corpus under a name that says what it is.
NAMED = {
    "invalid_email",
    "duplicate_email",
    "malformed_phone",
    "missing_name",
    "impossible_date",
    "future_birth_date",
    "unicode_text",
    "html_in_notes",
    "html_in_treatment_notes",
    "text_over_limits",
    "empty_date",
    "zero_and_negative_amounts",
    "orphan_reference",
    "oversized_attachment",
    "merged_patient",
}


def test_every_class_is_named_and_its_records_are_in_the_clinic(tmp_path: Path) -> None:
    assert {c.name for c in CLASSES} == NAMED
    counts = generate_clinic(tmp_path, GenerateOptions(5, 3, AS_OF, corpus=True))
    store = ClinicStore(tmp_path / DB_NAME)
    try:
        assert store.meta("corpus") == corpus_ids()
        for name, streams in corpus_ids().items():
            for stream, ids in streams.items():
                assert ids, name
                assert all(store.get(stream, int(i)) is not None for i in ids), name
        # The counts the sandbox serves include the corpus.
        corpus_patients = sum(len(s.get("patients", [])) for s in corpus_ids().values())
        assert counts["patients"]["total"] == 5 + corpus_patients
    finally:
        store.close()


def test_without_the_flag_a_clinic_has_no_corpus(tmp_path: Path) -> None:
    generate_clinic(tmp_path, GenerateOptions(5, 3, AS_OF))
    store = ClinicStore(tmp_path / DB_NAME)
    try:
        assert store.meta("corpus") is None
        (patient_id,) = corpus_ids()["unicode_text"]["patients"][:1]
        assert store.get("patients", int(patient_id)) is None
    finally:
        store.close()


def test_the_corpus_is_the_same_for_every_clinic(tmp_path: Path) -> None:
    """Tests find a class by id: the ids and the awkward values do not depend on the seed."""
    bodies = []
    for seed in (1, 2):
        folder = tmp_path / str(seed)
        generate_clinic(folder, GenerateOptions(5, seed, AS_OF, corpus=True))
        store = ClinicStore(folder / DB_NAME)
        try:
            (patient_id,) = corpus_ids()["impossible_date"]["patients"]
            bodies.append(store.get("patients", int(patient_id))["date_of_birth"])
        finally:
            store.close()
    assert bodies == ["1985-02-30", "1985-02-30"]
