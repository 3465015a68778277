"""target-staging: a Singer target that merges every stream into the staging DuckDB file."""

from __future__ import annotations

import sys
import time
import typing as t

from singer_sdk import typing as th
from singer_sdk.mapper import SameRecordTransform
from singer_sdk.target_base import Target

from cliniko_staging.buffer_budget import BufferBudget
from cliniko_staging.database import StagingDatabase
from cliniko_staging.reader import StagingMessageReader
from cliniko_staging.sink import StagingSink

if sys.version_info >= (3, 12):
    from typing import override
else:
    from typing_extensions import override

# Built-in SDK settings this target does not honour: metadata columns are fixed by the contract,
# and the load method is always "merge on the key, append without one".
_UNSUPPORTED_BUILTINS = ("add_record_metadata", "load_method")


class TargetStaging(Target):
    """Writes each stream to ``<schema>.<stream>`` in one DuckDB file, merged on its key."""

    name = "target-staging"
    default_sink_class = StagingSink
    message_reader_class = StagingMessageReader

    config_jsonschema = th.PropertiesList(
        th.Property(
            "path",
            th.StringType,
            default="output/staging.duckdb",
            description="The staging DuckDB file (relative to the working directory). Its folder "
            "is created mode 0700, the file and its .wal mode 0600.",
        ),
        th.Property(
            "schema",
            th.StringType,
            default="raw_cliniko",
            description="Schema the stream tables are written to.",
        ),
        th.Property(
            "encryption_key",
            th.StringType,
            secret=True,
            description="Encrypt the staging file at rest with this key (DuckDB AES-GCM). dbt and "
            "tap-staging need the same key to open it.",
        ),
        th.Property(
            "memory_limit",
            th.StringType,
            default="128MB",
            description="DuckDB's memory budget while loading (e.g. 256MB, 1GB). Peak memory is "
            "this plus the Python side of one batch, however many records a stream has.",
        ),
        th.Property(
            "validate_records",
            th.BooleanType,
            default=False,
            description="Check each record against its stream's JSON schema (slow: about 4x the "
            "cost of loading). Off by default; the tap already emits typed records.",
        ),
        th.Property(
            "batch_size_rows",
            th.IntegerType,
            default=10000,
            description="Records per committed batch of one stream (at most).",
        ),
        th.Property(
            "buffer_budget_rows",
            th.IntegerType,
            default=20000,
            description="Records held in memory across all streams; past it the stream holding "
            "the most is committed early. Bounds peak memory whatever the number of streams.",
        ),
        th.Property(
            "buffer_budget_mb",
            th.IntegerType,
            default=32,
            description="MB of record JSON held across all streams (the same rule as "
            "buffer_budget_rows; Python holds a record in a few times its JSON size).",
        ),
    ).to_dict()

    def __init__(self, *args: t.Any, **kwargs: t.Any) -> None:
        """Set up the target; the staging file opens at the first schema message."""
        super().__init__(*args, **kwargs)
        # One connection and one writer: DuckDB parallelises each statement itself.
        self.max_parallelism = 1
        self._staging: StagingDatabase | None = None
        self._last_sequence = 0
        self.buffer_budget = BufferBudget(
            max_rows=self._positive_setting("buffer_budget_rows", 20000),
            max_bytes=self._positive_setting("buffer_budget_mb", 32) * 1024 * 1024,
        )

    def _positive_setting(self, name: str, default: int) -> int:
        value = self.config.get(name, default)
        if not isinstance(value, int) or value < 1:
            msg = f"Setting '{name}' must be a whole number of at least 1"
            raise ValueError(msg)
        return value

    @classmethod
    @override
    def append_builtin_config(cls, config_jsonschema: dict) -> None:
        super().append_builtin_config(config_jsonschema)
        for name in _UNSUPPORTED_BUILTINS:
            config_jsonschema["properties"].pop(name, None)

    @property
    def staging(self) -> StagingDatabase:
        """The open staging file (opened on first use; the writer's lock is held until the end)."""
        if self._staging is None:
            self._staging = StagingDatabase(
                self.config.get("path", "output/staging.duckdb"),
                encryption_key=self.config.get("encryption_key") or None,
                memory_limit=self.config.get("memory_limit", "128MB"),
            )
        return self._staging

    def next_sequence(self) -> int:
        """A strictly increasing ``_sdc_sequence``: nanoseconds since the epoch at receipt."""
        sequence = time.time_ns()
        if sequence <= self._last_sequence:
            sequence = self._last_sequence + 1
        self._last_sequence = sequence
        return sequence

    @override
    def _process_record_message(self, message_dict: dict) -> None:
        """Buffer the record as the SDK does, then commit the largest stream if over budget."""
        unmapped = self._unmapped_sink(message_dict)
        if unmapped is None:
            super()._process_record_message(message_dict)
        else:
            self._buffer_unmapped(unmapped, message_dict)
        size = getattr(self.message_reader, "last_line_size", 0)
        self.buffer_budget.add(message_dict["stream"], size)
        if self.buffer_budget.over():
            largest = self.buffer_budget.largest()
            sink = self._sinks_active.get(largest) if largest is not None else None
            if sink is None:  # a stream map renamed the stream: commit everything held
                self.drain_all()
                return
            self.logger.info(
                "Buffer budget reached (%d records held); committing '%s' early",
                self.buffer_budget.total_rows,
                largest,
            )
            self.drain_one(sink)

    def _unmapped_sink(self, message_dict: dict) -> StagingSink | None:
        """The record's sink when no stream map or flattening applies to it, else None.

        Such a record needs none of the SDK's mapping steps (a copy, two transforms, the sink
        look-up by alias), which cost about as much as buffering it: `_buffer_unmapped` does the
        rest of the SDK's steps, in its order. Anything else takes the SDK's own path.
        """
        stream = message_dict.get("stream")
        maps = self.mapper.stream_maps.get(stream) if isinstance(stream, str) else None
        if not maps or len(maps) != 1 or not isinstance(message_dict.get("record"), dict):
            return None
        only = maps[0]
        if type(only) is not SameRecordTransform or only.flattening_enabled:
            return None
        if only.stream_alias != stream:
            return None
        return self._sinks_active.get(stream)  # type: ignore[return-value]

    def _buffer_unmapped(self, sink: StagingSink, message_dict: dict) -> None:
        """singer-sdk 0.54's record steps for a stream whose map is the identity."""
        record = message_dict["record"]
        context = sink._get_context(record)
        sink._add_sdc_metadata_to_record(record, message_dict, context)
        sink._validate_and_parse(record)
        record = sink.preprocess_record(record, context)
        sink._singer_validate_message(record)
        sink.tally_record_read()
        sink.process_record(record, context)
        sink.record_counter_metric.increment()
        sink._after_process_record(context)
        if sink.is_full:
            self.logger.info(
                "Target sink for '%s' is full. Current size is '%s'. Draining...",
                sink.stream_name,
                sink.current_size,
            )
            self.drain_one(sink)
        self._handle_max_record_age()

    # drain_one/drain_all are final in the SDK; the budget must hear of every commit, and the
    # SDK offers no hook after one (the sink does not know its target).
    @override  # type: ignore[misc]
    def drain_one(self, sink: t.Any) -> None:
        """Commit one stream's batch; its records leave the budget."""
        super().drain_one(sink)
        self.buffer_budget.committed(sink.stream_name)

    @override  # type: ignore[misc]
    def drain_all(self, *, is_endofpipe: bool = False) -> None:
        """Commit every stream (and emit state); nothing is held afterwards."""
        super().drain_all(is_endofpipe=is_endofpipe)
        self.buffer_budget = BufferBudget(self.buffer_budget.max_rows, self.buffer_budget.max_bytes)

    @override  # type: ignore[misc]
    def listen(self, file_input: t.IO[str] | None = None) -> None:
        """Process the input; release the file and the umask even when a message fails.

        ``listen`` is marked final in the SDK, but only a wrapper around it sees a failing
        message, and an in-process caller (tests, orchestrators) must not keep the lock.
        """
        try:
            super().listen(file_input)
        finally:
            self.close_staging()

    @override
    def process_endofpipe(self) -> None:
        """Drain (commit), emit the final state, then checkpoint and release the file."""
        try:
            super().process_endofpipe()
        finally:
            self.close_staging()

    def close_staging(self) -> None:
        """Close the staging file if it is open."""
        if self._staging is not None:
            self._staging.close()
            self._staging = None
