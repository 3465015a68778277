"""Every stream the tap offers, in the order they are synced (the table is in ``definitions``)."""

from __future__ import annotations

from tap_cliniko.streams.definitions import STREAMS

STREAM_TYPES = tuple(spec.stream_class() for spec in STREAMS)
