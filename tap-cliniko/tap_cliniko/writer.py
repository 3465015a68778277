"""Write Singer messages with msgspec, in blocks: a write per 64 KiB of records, not per record."""

from __future__ import annotations

import sys

from singer_sdk.contrib.msgspec import MsgSpecWriter
from singer_sdk.singerlib.encoding.simple import Message, RecordMessage

# Plugins often run with PYTHONUNBUFFERED=1 (Meltano's environment does), which makes every
# write to stdout a system call; records are collected here instead.
BLOCK_BYTES = 64 * 1024


class ClinikoMessageWriter(MsgSpecWriter):
    """singer-sdk's msgspec writer, writing records in blocks instead of one flush each.

    RECORD lines collect until a block is full; every other message (SCHEMA, STATE) writes out
    what is pending, itself included, and flushes. A STATE message always follows the records
    it covers, so whenever the tap stops, the target never holds a state beyond its records.
    """

    def __init__(self) -> None:
        """Start with nothing pending."""
        super().__init__()
        self._pending = bytearray()

    def write_message(self, message: Message) -> None:
        """Queue one message; write the block out when full or the message is not a RECORD."""
        self._pending += self.format_message(message)
        if len(self._pending) >= BLOCK_BYTES or not isinstance(message, RecordMessage):
            self.flush()

    def flush(self) -> None:
        """Write out every pending line and flush stdout."""
        out = sys.stdout
        binary = getattr(out, "buffer", None)
        if binary is not None:
            binary.write(self._pending)
        else:  # stdout replaced by a text stream (tests, the SDK's test suite)
            out.write(self._pending.decode())
        out.flush()
        self._pending.clear()
