"""The Freshsales pipeline under its first name, for helpers written against it.

The pipeline itself is CRM-neutral now: tests/e2e/e2e_pipeline.py.
"""

from e2e_pipeline import TIMEOUT, console, write_config
from e2e_pipeline import FreshsalesPipeline as Pipeline

__all__ = ["TIMEOUT", "Pipeline", "console", "write_config"]
