"""Turn a batch of records into one Arrow table, column by column, without losing a value."""

from __future__ import annotations

import decimal
import typing as t

import msgspec
import pyarrow as pa

from cliniko_staging.column_types import BIGINT, BOOLEAN, DOUBLE, JSON, TEMPORAL, VARCHAR

EXTRACTED_AT = "_sdc_extracted_at"
SEQUENCE = "_sdc_sequence"

_ARROW_TYPES = {BIGINT: pa.int64(), BOOLEAN: pa.bool_()}
_ARROW_ERRORS = (pa.ArrowInvalid, pa.ArrowTypeError, OverflowError, TypeError, ValueError)
_encoder = msgspec.json.Encoder(decimal_format="number", enc_hook=str)


def to_json_text(value: t.Any) -> str:
    """A value as JSON text (objects keep their key order)."""
    return _encoder.encode(value).decode()


def _as_text(value: t.Any) -> str | None:
    if value is None or isinstance(value, str):
        return value
    return to_json_text(value)


def _as_float(value: t.Any) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float, decimal.Decimal)):
        raise TypeError
    return float(value)


class ArrowBatch(t.NamedTuple):
    """One batch as Arrow, with the DuckDB type each column's values actually fit."""

    table: pa.Table
    column_types: dict[str, str]
    misfits: list[str]


def build_arrow_batch(records: list[dict], column_types: t.Mapping[str, str]) -> ArrowBatch:
    """Build the batch table: the declared columns, then the metadata columns.

    A column whose values do not fit its declared type (a string in an integer column, say)
    is carried as text and reported in ``misfits``, so the loader widens it instead of failing or
    dropping values. Temporal columns travel as text; DuckDB parses them in bulk.

    Args:
        records: The records, each with ``_sdc_extracted_at`` and ``_sdc_sequence`` set.
        column_types: Declared DuckDB type per column.

    Returns:
        The table, the type per column after any demotion, and the demoted columns.
    """
    at_once = _convert_at_once(records, column_types)
    arrays: list[pa.Array] = []
    actual: dict[str, str] = {}
    misfits: list[str] = []
    for name, declared in column_types.items():
        array = at_once.get(name)
        fits = True
        if array is None:
            array, fits = _column([record.get(name) for record in records], declared)
        arrays.append(array)
        actual[name] = declared if fits else VARCHAR
        if not fits:
            misfits.append(name)
    if EXTRACTED_AT in at_once:
        arrays += [at_once[EXTRACTED_AT], at_once[SEQUENCE]]
    else:
        arrays.append(pa.array([record.get(EXTRACTED_AT) for record in records], pa.string()))
        arrays.append(pa.array([record[SEQUENCE] for record in records], pa.int64()))
    names = [*column_types, EXTRACTED_AT, SEQUENCE]
    return ArrowBatch(pa.Table.from_arrays(arrays, names=names), actual, misfits)


def _convert_at_once(records: list[dict], column_types: t.Mapping[str, str]) -> dict[str, pa.Array]:
    """The columns Arrow converts as they are, in one pass over the records (in C).

    Arrow applies the same conversion to a struct field as to a column of its own, so the result
    is the column-by-column one, several times faster. When any value does not fit, nothing is
    returned and every column takes the column-by-column path, which finds the misfits.
    """
    fields = [
        (name, _ARROW_TYPES.get(declared, pa.string()))
        for name, declared in column_types.items()
        if declared in _ARROW_TYPES or declared == VARCHAR or declared in TEMPORAL
    ]
    if any(record.get(SEQUENCE) is None for record in records):
        return {}  # the column-by-column path raises, naming nothing but the missing key
    fields += [(EXTRACTED_AT, pa.string()), (SEQUENCE, pa.int64())]
    try:
        rows = pa.array(records, pa.struct(fields))
    except _ARROW_ERRORS:
        return {}
    return dict(zip((name for name, _ in fields), rows.flatten(), strict=True))


def _column(values: list, declared: str) -> tuple[pa.Array, bool]:
    if declared == JSON:
        return pa.array([None if v is None else to_json_text(v) for v in values], pa.string()), True
    if declared == VARCHAR or declared in TEMPORAL:
        try:
            return pa.array(values, pa.string()), True
        except _ARROW_ERRORS:
            text = pa.array([_as_text(v) for v in values], pa.string())
            # A temporal column keeps its type; DuckDB then checks every text parses.
            return text, declared != VARCHAR
    if declared == DOUBLE:
        # Fractional numbers arrive as Decimal, which Arrow will not turn into a double itself.
        try:
            return pa.array([_as_float(v) for v in values], pa.float64()), True
        except _ARROW_ERRORS:
            pass
    else:
        try:
            return pa.array(values, _ARROW_TYPES[declared]), True
        except _ARROW_ERRORS:
            pass
    return pa.array([_as_text(v) for v in values], pa.string()), False
