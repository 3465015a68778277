"""A fast Singer message reader (msgspec) whose errors never quote the message itself."""

from __future__ import annotations

import decimal
import sys

import msgspec
from singer_sdk.singerlib.encoding.base import GenericSingerReader
from singer_sdk.singerlib.exceptions import InvalidInputLine

# Numbers with a fraction become Decimal, as in the SDK's reader: a number inside a JSON column is
# then stored exactly as sent (a `number` column is DOUBLE either way).
_decoder = msgspec.json.Decoder(float_hook=decimal.Decimal)


class StagingMessageReader(GenericSingerReader[str]):
    """Reads Singer lines like the SDK's readers, but never logs or raises with record contents.

    The SDK's readers log an unparsable line verbatim; a line is a patient's record here.
    """

    default_input = sys.stdin

    def __init__(self) -> None:
        """Start counting lines so errors can say where they happened."""
        super().__init__()
        self._line_number = 0
        self.last_line_size = 0  # the target's buffer budget counts records by their line

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
        except msgspec.DecodeError as exc:
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
