"""Start the Cliniko simulator from tests and benchmarks: `with cliniko_sandbox() as sb: ...`."""

from __future__ import annotations

import shutil
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from clinic_sandbox.clinic.generator import GenerateOptions, generate_clinic
from clinic_sandbox.cliniko.app import build_app
from clinic_sandbox.cliniko.behaviour import DEFAULT_API_KEY, Behaviour
from clinic_sandbox.serving import ServerThread, bind

USER_AGENT = "clinic-sandbox tests (sandbox@example.com)"


@dataclass
class ClinikoSandbox:
    """A running simulator: where it listens, its key, and what the clinic holds."""

    base_url: str  # e.g. http://127.0.0.1:40123/v1 (what the tap's base_url setting takes)
    api_key: str
    user_agent: str
    counts: dict[str, dict[str, int]]  # exact per-stream counts at generation time
    data_dir: Path
    admin_url: str
    storage_url: str

    @property
    def auth(self) -> tuple[str, str]:
        return (self.api_key, "")

    def client(self, **kwargs: Any) -> httpx.Client:
        """An httpx client with the key and a user agent, rooted at base_url."""
        return httpx.Client(
            base_url=self.base_url,
            auth=self.auth,
            headers={"User-Agent": self.user_agent},
            **kwargs,
        )

    def _admin(self, method: str, path: str, body: Any = None) -> Any:
        response = httpx.request(method, f"{self.admin_url}{path}", json=body, timeout=60)
        response.raise_for_status()
        return response.json()

    def stats(self) -> dict[str, Any]:
        return self._admin("GET", "/stats")

    def reset_stats(self) -> None:
        self._admin("POST", "/stats/reset")

    def live_counts(self) -> dict[str, dict[str, int]]:
        return self._admin("GET", "/counts")

    def configure(self, **settings: Any) -> dict[str, Any]:
        """Change behaviour at run time: latency_ms, rate_limit, fault_5xx_rate ..."""
        return self._admin("POST", "/config", settings)

    def mutate(
        self,
        stream: str,
        action: str,
        count: int = 1,
        ids: list[str] | None = None,
        touch_updated_at: bool | None = None,
    ) -> list[str]:
        """Edit, archive, unarchive, cancel, delete or create records; returns their ids."""
        body = {"stream": stream, "action": action, "count": count, "ids": ids}
        if touch_updated_at is not None:
            body["touch_updated_at"] = touch_updated_at
        changed = self._admin("POST", "/mutate", body)["ids"]
        # Edits are stamped to the whole second and a tap run reads up to (not including) the
        # second it starts in, so an edit in that same second belongs to the run after. Return
        # in the next second: a run started now sees these edits.
        time.sleep(1.02 - time.time() % 1)
        return changed

    def crm_user_emails(self) -> list[str]:
        return self._admin("GET", "/crm_user_emails")


@contextmanager
def cliniko_sandbox(
    patients: int = 200,
    seed: int = 7,
    as_of: int | None = None,
    data_dir: Path | None = None,
    corpus: bool = False,
    **behaviour: Any,
) -> Iterator[ClinikoSandbox]:
    """Generate (or reuse) a clinic and serve it on free loopback ports until the block ends.

    `behaviour` takes any Behaviour field: rate_limit, rate_window_s, latency_ms, jitter_ms,
    fault_5xx_rate, fault_timeout_rate, fault_drop_rate, hang_s, archive_touches_updated_at.
    Pass `data_dir` to reuse a clinic between tests (it is kept); otherwise a temporary
    directory is used and removed afterwards. `corpus` adds the bad-data corpus.
    """
    temporary = data_dir is None
    folder = Path(data_dir) if data_dir is not None else Path(tempfile.mkdtemp(prefix="clinic-"))
    try:
        counts = generate_clinic(folder, GenerateOptions(patients, seed, as_of, corpus))
        api, storage = bind("127.0.0.1", 0), bind("127.0.0.1", 0)
        storage_port = storage.getsockname()[1]
        app = build_app(folder, Behaviour(**behaviour), storage_port=storage_port)
        server = ServerThread(app, [api, storage], "Cliniko simulator")
        server.start()
        root = f"http://127.0.0.1:{api.getsockname()[1]}"
        try:
            yield ClinikoSandbox(
                base_url=f"{root}/v1",
                api_key=behaviour.get("api_key", DEFAULT_API_KEY),
                user_agent=USER_AGENT,
                counts=counts,
                data_dir=folder,
                admin_url=f"{root}/_admin",
                storage_url=f"http://127.0.0.1:{storage_port}",
            )
        finally:
            server.stop()
            app.state.store.close()
    finally:
        if temporary:
            shutil.rmtree(folder, ignore_errors=True)
