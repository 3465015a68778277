"""A fast Singer message reader (msgspec) whose errors never quote the message itself."""

from __future__ import annotations

import decimal
import sys
import typing as t
from collections import Counter

import msgspec
from singer_sdk.singerlib.encoding.base import GenericSingerReader
from singer_sdk.singerlib.exceptions import InvalidInputLine

# Numbers with a fraction become Decimal, as in the SDK's reader: a number inside a JSON column is
# then stored exactly as sent (a `number` column is DOUBLE either way).
_decoder = msgspec.json.Decoder(float_hook=decimal.Decimal)


class StagingMessageReader(GenericSingerReader[str]):
    """Reads Singer lines like the SDK's readers, but never logs or raises with record contents.

    The SDK's readers log an unparsable line verbatim; a line is a patient's record here. Lines
    are read as bytes when the input has a byte layer (stdin, a file): msgspec parses UTF-8
    itself, which spares decoding every line into a str first.
    """

    default_input = sys.stdin

    def __init__(self) -> None:
        """Start counting lines so errors can say where they happened."""
        super().__init__()
        self._line_number = 0
        self.last_line_size = 0  # the target's buffer budget counts records by their line

    def process_lines(
        self,
        file_input: t.IO[str] | None,
        callbacks: dict[str, t.Callable[[dict], None]],
    ) -> t.Counter[str]:
        """Hand each message to the callback for its type; count messages by type.

        The SDK's loop, with the bytes layer and the "type" check inline (this loop runs once per
        record, so every call it saves counts).

        Args:
            file_input: The messages, one per line (default: standard input).
            callbacks: The handler per message type.

        Returns:
            How many messages of each type were read.
        """
        source = file_input or self.default_input
        lines: t.Iterable[str | bytes] = getattr(source, "buffer", source)
        stats: dict[t.Any, int] = {}
        deserialize = self.deserialize_json
        for line in lines:
            message = deserialize(line)  # type: ignore[arg-type]
            kind: t.Any = message.get("type")
            if kind is None:
                self.assert_line_requires(message, {"type"})
            if callback := callbacks.get(kind):
                callback(message)
            else:
                self._process_unknown_message(message)
            stats[kind] = stats.get(kind, 0) + 1
        return Counter(stats)

    def deserialize_json(self, line: str) -> dict:
        """Parse one line.

        Args:
            line: A Singer message as one line of JSON.

        Returns:
            The message.

        Raises:
            InvalidInputLine: The line is not a JSON object (the error names the line number only).
        """
        self._line_number += 1
        self.last_line_size = len(line)
        try:
            message = _decoder.decode(line)
        except (msgspec.DecodeError, UnicodeDecodeError) as exc:
            msg = f"Input line {self._line_number} is not valid JSON ({exc})"
            raise InvalidInputLine(msg) from None
        if not isinstance(message, dict):
            msg = f"Input line {self._line_number} is not a JSON object"
            raise InvalidInputLine(msg)
        return message

    @staticmethod
    def assert_line_requires(line_dict: dict, requires: set[str]) -> None:
        """Check a message has the keys its type needs, naming only the missing keys.

        Args:
            line_dict: The message.
            requires: Keys it must have.

        Raises:
            InvalidInputLine: A key is missing.
        """
        if line_dict.keys() >= requires:
            return
        missing = requires.difference(line_dict)
        if missing:
            kind = line_dict.get("type", "?")
            msg = f"A {kind} message is missing required key(s): {', '.join(sorted(missing))}"
            raise InvalidInputLine(msg)
