"""The staging DuckDB file: target-staging writes it, tap-staging reads the publish models back."""
