"""One run against one CRM connection: lock, preflight, owners, engine, then the reconciliation."""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from crmsync.client import CrmClient
from crmsync.counts import ObjectCounts
from crmsync.engine import SyncEngine
from crmsync.errors import CrmSyncError
from crmsync.owners import OwnerResolver
from crmsync.progress import Progress
from crmsync.report import emit_metrics, print_table, write_json_report
from crmsync.settings import reports_dir
from crmsync.spec import ObjectSpec
from crmsync.staging import PublishTables
from crmsync.store import SyncStore
from crmsync.validation import RecordValidator

logger = logging.getLogger("crmsync")


class SyncSession:
    """Owns a run from the first record to the report; the Singer sink feeds it batches."""

    def __init__(
        self,
        crm: str,
        client: CrmClient,
        store: SyncStore,
        specs: dict[str, ObjectSpec],
        config: Mapping[str, Any],
        publish_schema: str | None = None,
        mode: str = "migrate",
    ) -> None:
        """Nothing is called yet; `start()` takes the lock and checks the key."""
        self.crm = crm
        self.client = client
        self.store = store
        self.specs = specs
        self.config = config
        self.publish_schema = publish_schema
        self.mode = mode
        self.counts: dict[str, ObjectCounts] = {}
        self._exit = contextlib.ExitStack()
        self.run_id = 0
        self.engine: SyncEngine | None = None
        self.owners: OwnerResolver | None = None
        self.progress: Progress | None = None
        self.report_path: Path | None = None

    def start(self) -> None:
        """Lock the store, preflight the key, load users, open the run."""
        self._exit.enter_context(self.store.lock())
        try:
            self.client.preflight()
            if any(s.owner_field or s.write_only_if_owner_unmatched for s in self.specs.values()):
                users = self.client.list_users()
                self.owners = OwnerResolver(users, self.config.get("fallback_owner_email"))
                logger.info("%d CRM users loaded for owner matching", len(users))
        except BaseException:
            self._exit.close()
            raise
        self.run_id = self.store.begin_run(self.mode)
        self.engine = SyncEngine(
            self.client,
            self.store,
            self.run_id,
            self.owners,
            self.counts,
            # Off: an update's `before` is the payload last sent (kept in the store), no read.
            capture_before=self.config.get("capture_before") is True,
        )
        self.progress = Progress(
            self.client,
            self.specs,
            self.counts,
            self._totals(),
            _number(self.config.get("progress_interval_seconds"), 60.0),
        )
        logger.info("Run %d started against %s", self.run_id, self.crm)

    def process(
        self, spec: ObjectSpec, records: list[dict[str, Any]], validator: RecordValidator | None
    ) -> None:
        """Write one batch; a fatal CRM error closes the run as failed and propagates."""
        if self.engine is None:
            raise CrmSyncError("the session was not started")
        try:
            self.engine.process(spec, records, validator)
        except BaseException as exc:
            self.finish("failed", str(exc), read_back=False)
            raise
        if self.progress:
            self.progress.maybe_log()

    def finish(
        self, status: str = "succeeded", error: str | None = None, read_back: bool = True
    ) -> Path | None:
        """Read counts back, emit metrics, write the report, close the run and release the lock."""
        if self.engine is None:
            return None
        try:
            if read_back and self.config.get("read_back_counts", True) is not False:
                for stream, counts in self.counts.items():
                    counts.destination_count = self.client.count(self.specs[stream])
            if any(not c.balanced for c in self.counts.values()):
                # A run stopped by the CRM is unbalanced too; its cause is the one to report.
                status, error = "failed", error or "reconciliation invariant broken"
            emit_metrics(self.counts, self.run_id)
            self.report_path = write_json_report(self._report_file(), self._document(status, error))
            print_table(self.counts)
            logger.info(
                "Run %d %s after %d API calls; reconciliation written to %s",
                self.run_id,
                status,
                self.client.runner.calls,
                self.report_path.name,
            )
            self.store.finish_run(
                self.run_id, status, {s: c.as_dict() for s, c in self.counts.items()}
            )
        finally:
            self.engine = None
            self._exit.close()
            self.store.close()
            self.client.close()
        return self.report_path

    def _document(self, status: str, error: str | None) -> dict[str, Any]:
        return {
            "crm": self.crm,
            "run_id": self.run_id,
            "mode": self.mode,
            "status": status,
            "error": error,
            "finished": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
            "balanced": all(c.balanced for c in self.counts.values()),
            "objects": {s: c.as_dict() for s, c in self.counts.items()},
            "owners": self.owners.summary() if self.owners else None,
            "pending_intents": len(self.store.pending_intents()),
            "api_calls": self.client.runner.calls,
        }

    def _report_file(self) -> Path:
        return reports_dir(self.config) / f"{self.crm}-run-{self.run_id}.json"

    def _totals(self) -> dict[str, int | None]:
        path = self.config.get("staging_path")
        if not path or not self.publish_schema:
            return {}
        try:
            return PublishTables(path, self.publish_schema).row_counts(list(self.specs))
        except Exception as exc:  # totals only feed the ETA; a run must not fail for them
            logger.warning("No totals for the ETA (%s)", type(exc).__name__)
            return {}


def _number(value: Any, default: float) -> float:
    """A numeric setting where 0 is a real value (not "unset")."""
    return default if value is None else float(value)
