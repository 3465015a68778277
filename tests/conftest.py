"""Top of the test tree: pytest puts this folder on sys.path, so helpers import as `support.…`."""
