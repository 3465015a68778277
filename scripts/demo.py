"""`make demo`: run the whole pipeline against the local sandbox and say where the output is."""

from __future__ import annotations

import argparse
import contextlib
import os
import shutil
import socket
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
OUTPUT = ROOT / "output"
SANDBOX_KEY = "sandbox-key-au1"
FRESHSALES_KEY = "sandbox-freshsales-key"
# The Salesforce simulator's connected app, signed in with the refresh-token flow.
SALESFORCE_APP = {
    "client_id": "cliniko-crm-demo",
    "client_secret": "demo-secret",
    "refresh_token": "demo-refresh-token",
}
USER_AGENT = "cliniko-crm demo (demo@clinic.example)"
CLINIC_DIR = OUTPUT / "sandbox" / "clinic"
# What one run leaves behind; the simulators start empty, so the demo starts from nothing too.
RUN_FILES = (
    "staging.duckdb",
    "staging.duckdb.wal",
    "sync",
    "reports",
    "inventory.json",
    "attachments",
)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until_up(url: str, auth: tuple[str, str], headers: dict[str, str], seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with contextlib.suppress(httpx.HTTPError):
            if httpx.get(url, auth=auth, headers=headers, timeout=2).status_code < 500:
                return
        time.sleep(0.3)
    raise SystemExit(f"the sandbox did not answer at {url} within {seconds:.0f} s")


@contextlib.contextmanager
def sandbox_process(args: list[str], log_name: str) -> Iterator[None]:
    """Run one `clinic-sandbox` simulator in the background for the length of the block."""
    log_dir = OUTPUT / "logs"
    log_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    with open(log_dir / log_name, "wb") as log:
        proc = subprocess.Popen(
            [shutil.which("clinic-sandbox") or "clinic-sandbox", *args],
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            yield
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()


def meltano(*args: str, env: dict[str, str], show_output: bool = False) -> None:
    """Run one Meltano command; its log goes to output/logs/, its tail to the screen on failure."""
    log_path = OUTPUT / "logs" / f"meltano-{'-'.join(a.replace(':', '_') for a in args)}.log"
    print(f"$ meltano {' '.join(args)}   (log: {log_path.relative_to(ROOT)})", flush=True)
    started = time.monotonic()
    with open(log_path, "w") as log:
        done = subprocess.run(
            ["meltano", "--environment", "sandbox", *args],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE if show_output else log,
            stderr=log,
            text=True,
        )
    if show_output and done.stdout:
        print(done.stdout, end="")
    if done.returncode != 0:
        print("".join(log_path.read_text().splitlines(keepends=True)[-40:]), file=sys.stderr)
        command = " ".join(args)
        raise SystemExit(f"meltano {command} failed (exit {done.returncode}); see {log_path}")
    print(f"  done in {time.monotonic() - started:.0f} s", flush=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--patients", type=int, default=200, help="sandbox clinic size")
    parser.add_argument("--edits", type=int, default=10, help="patients edited before the delta")
    options = parser.parse_args()

    # Every file the pipeline writes holds clinic data: owner-only, DuckDB's WAL and dbt's included.
    os.umask(0o077)
    OUTPUT.mkdir(exist_ok=True, mode=0o700)
    for name in RUN_FILES:
        path = OUTPUT / name
        shutil.rmtree(path) if path.is_dir() else path.unlink(missing_ok=True)
    cliniko_port, freshsales_port, salesforce_port = free_port(), free_port(), free_port()
    salesforce_url = f"http://127.0.0.1:{salesforce_port}"
    cliniko_url = f"http://127.0.0.1:{cliniko_port}/v1"
    freshsales_url = f"http://127.0.0.1:{freshsales_port}/crm/sales/api"
    env = {
        **os.environ,
        "TAP_CLINIKO_API_KEY": SANDBOX_KEY,
        "TAP_CLINIKO_BASE_URL": cliniko_url,
        "TAP_CLINIKO_USER_AGENT": USER_AGENT,
        # The sandbox allows 2,000 requests a minute so the demo is quick; Cliniko allows 200.
        "TAP_CLINIKO_MAX_REQUESTS_PER_MINUTE": "1900",
        # Attachments become Freshsales documents only when their contents are downloaded.
        "TAP_CLINIKO_DOWNLOAD_ATTACHMENTS": "true",
        # The sample migration (the approval gate before the full run): 25 patients and theirs.
        "CLINIKO_SAMPLE_SIZE": "25",
        "TARGET_FRESHSALES_API_KEY": FRESHSALES_KEY,
        "TARGET_FRESHSALES_BASE_URL": freshsales_url,
        # Freshsales allows 1,000 calls an hour; the simulator lifts that so the demo takes minutes.
        "TARGET_FRESHSALES_MAX_CALLS_PER_HOUR": "1000000",
        "TARGET_FRESHSALES_MAX_CALLS_PER_MINUTE": "100000",
        "TARGET_SALESFORCE_LOGIN_URL": salesforce_url,
        "TARGET_SALESFORCE_CLIENT_ID": SALESFORCE_APP["client_id"],
        "TARGET_SALESFORCE_CLIENT_SECRET": SALESFORCE_APP["client_secret"],
        "TARGET_SALESFORCE_REFRESH_TOKEN": SALESFORCE_APP["refresh_token"],
        "MELTANO_SEND_ANONYMOUS_USAGE_STATS": "false",
        "MELTANO_CLI_DISABLE_VERSION_CHECK": "true",
    }
    print(f"Sandbox Cliniko ({options.patients} patients): {cliniko_url}")
    print(f"Sandbox Freshsales:                {freshsales_url}")
    print(f"Sandbox Salesforce:                {salesforce_url}\n")
    cliniko_args = [
        "cliniko",
        "--patients",
        str(options.patients),
        "--port",
        str(cliniko_port),
        "--data-dir",
        str(CLINIC_DIR),
        "--rate-limit",
        "2000",
        "--api-key",
        SANDBOX_KEY,
    ]
    freshsales_args = [
        "freshsales",
        "--port",
        str(freshsales_port),
        "--api-key",
        FRESHSALES_KEY,
        "--clinic-dir",
        str(CLINIC_DIR),
        # No custom fields yet, as in a new Freshsales account: `crmsync plan --apply` creates them.
        "--job-delay",
        "0",
        "--hourly-limit",
        "1000000",
        "--minute-limit",
        "100000",
    ]
    salesforce_args = [
        "salesforce",
        "--port",
        str(salesforce_port),
        "--clinic-dir",
        str(CLINIC_DIR),
        "--client-id",
        SALESFORCE_APP["client_id"],
        "--client-secret",
        SALESFORCE_APP["client_secret"],
        "--refresh-token",
        SALESFORCE_APP["refresh_token"],
        # Custom objects deployed (an admin's package.xml step); missing fields are the plan's job.
        "--with-custom-objects",
        "--job-delay",
        "0",
    ]
    with sandbox_process(cliniko_args, "sandbox-cliniko.log"):
        wait_until_up(f"{cliniko_url}/user", (SANDBOX_KEY, ""), {"User-Agent": USER_AGENT}, 600)
        with sandbox_process(freshsales_args, "sandbox-freshsales.log"):
            wait_until_up(
                f"{freshsales_url}/selector/owners",
                ("", ""),
                {"Authorization": f"Token token={FRESHSALES_KEY}"},
                60,
            )
            # A clinic names someone to own what unmatched practitioners would have owned.
            env["TARGET_FRESHSALES_FALLBACK_OWNER_EMAIL"] = first_crm_user(freshsales_url)
            meltano("install", env=env)
            step("What is in Cliniko (one cheap request per stream)")
            meltano("invoke", "tap-cliniko:inventory", env=env, show_output=True)
            step("Extract into the staging file and build the clinic model")
            # Meltano keeps the tap's bookmarks in .meltano/; the staging file starts empty here.
            meltano("run", "--full-refresh", "stage-cliniko", env=env)
            step("Setup plan: the custom fields the mapping needs, created through the API")
            meltano("invoke", "crmsync:plan-apply", env=env, show_output=True)
            step("Owners: practitioners matched to Freshsales users by email")
            meltano("invoke", "crmsync:owners", env=env, show_output=True)
            step("Estimate: API calls and the minimum time Freshsales' limits allow")
            meltano("invoke", "crmsync:estimate", env=env, show_output=True)
            step("Sample migration, then every written field read back and compared")
            meltano("run", "sample-freshsales", env=env)
            meltano("invoke", "crmsync:diff", env=env, show_output=True)
            step("Full migration")
            meltano("run", "migrate-freshsales", env=env)
            edited = edit_patients(cliniko_port, options.edits)
            step(f"Edited {len(edited)} patients in the sandbox Cliniko; the delta run")
            meltano("run", "migrate-freshsales", env=env)
            step("Reconciliation: every Cliniko record and where it went")
            meltano("invoke", "crmsync:reconcile", env=env, show_output=True)
            meltano("invoke", "crmsync:report", env=env, show_output=True)
            with sandbox_process(salesforce_args, "sandbox-salesforce.log"):
                wait_until_up(f"{salesforce_url}/services/data/", ("", ""), {}, 60)
                salesforce_part(env)
    print_summary()
    return 0


def salesforce_part(env: dict[str, str]) -> None:
    """The same clinic into Salesforce: plan, sample + diff, full run, reconcile, report, undo."""
    env = {
        **env,
        "TARGET_SALESFORCE_FALLBACK_OWNER_EMAIL": env["TARGET_FRESHSALES_FALLBACK_OWNER_EMAIL"],
    }
    step("Salesforce: setup plan (describe, then Tooling API for missing fields)")
    meltano("invoke", "crmsync-salesforce:plan-apply", env=env, show_output=True)
    step("Salesforce: sample migration and field-level diff")
    meltano("run", "sample-salesforce", env=env)
    meltano("invoke", "crmsync-salesforce:diff", env=env, show_output=True)
    step("Salesforce: full migration (collections upserts on Cliniko_Id__c)")
    meltano("run", "migrate-salesforce", env=env)
    meltano("invoke", "crmsync-salesforce:reconcile", env=env, show_output=True)
    meltano("invoke", "crmsync-salesforce:report", env=env, show_output=True)
    step("Salesforce: what rolling the full run back would do (dry run)")
    meltano(
        "invoke", "crmsync-salesforce:rollback", last_run("salesforce"), env=env, show_output=True
    )


def last_run(crm: str) -> str:
    """The newest run id in a CRM's sync store."""
    with sqlite3.connect(OUTPUT / "sync" / f"{crm}.sqlite") as store:
        return str(store.execute("select max(run_id) from runs").fetchone()[0])


def step(title: str) -> None:
    print(f"\n== {title}", flush=True)


def first_crm_user(freshsales_url: str) -> str:
    """The first Freshsales user's email: the demo's fallback owner."""
    response = httpx.get(
        f"{freshsales_url}/selector/owners",
        headers={"Authorization": f"Token token={FRESHSALES_KEY}"},
        timeout=30,
    )
    response.raise_for_status()
    return response.json()["users"][0]["email"]


def edit_patients(port: int, count: int) -> list[str]:
    """Change `count` patients through the sandbox's admin route (bumps their updated_at)."""
    response = httpx.post(
        f"http://127.0.0.1:{port}/_admin/mutate",
        json={"stream": "patients", "action": "edit", "count": count},
        timeout=60,
    )
    response.raise_for_status()
    return response.json()["ids"]


def print_summary() -> None:
    """Print the audit counts from the staging file and say where everything is."""
    import duckdb

    staging = OUTPUT / "staging.duckdb"
    with duckdb.connect(str(staging), read_only=True) as con:
        raw = con.execute(
            "select table_name from information_schema.tables where table_schema = 'raw_cliniko'"
        ).fetchall()
        loaded = sum(
            con.execute(f'select count(*) from raw_cliniko."{name}"').fetchone()[0]  # noqa: S608 (catalog names)
            for (name,) in raw
        )
        audits = con.execute(
            "select check_name, failing_rows from audit.audit__summary order by check_name"
        ).fetchall()
    print(f"\nStaged {loaded} Cliniko records in {len(raw)} streams.")
    print("\nData-quality audit (rows to review before a migration):")
    for name, rows in audits:
        print(f"  {name:<45} {rows:>6}")
    reports = sorted((OUTPUT / "reports").glob("*.json"))
    latest = reports[-1].name if reports else "-"
    print(f"\nOutput in {OUTPUT.relative_to(ROOT)}/:")
    print("  staging.duckdb         raw Cliniko tables, the clinic model, the publish tables")
    print("  sync/freshsales.sqlite id map, audit log, runs")
    print(f"  reports/               reconciliation JSON per run (latest: {latest})")
    print("  inventory.json, logs/")


if __name__ == "__main__":
    sys.exit(main())
