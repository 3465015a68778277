"""Freshsales simulator tests: a package, so this conftest never shadows tests/sandbox/conftest."""
