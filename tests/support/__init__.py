"""Helpers several test folders share (tests/conftest.py puts tests/ on sys.path for them)."""
