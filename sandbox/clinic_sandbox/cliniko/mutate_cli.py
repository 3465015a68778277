"""`clinic-sandbox mutate`: change records in a running Cliniko simulator (its admin API)."""

from __future__ import annotations

import argparse
import json

import httpx

from clinic_sandbox.cliniko.mutate import ACTIONS


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--url", default="http://127.0.0.1:8400", help="the simulator's root URL")
    parser.add_argument("--stream", required=True, help="e.g. patients")
    parser.add_argument("--action", required=True, choices=ACTIONS)
    parser.add_argument("--count", type=int, default=1)
    parser.add_argument("--ids", default=None, help="comma-separated ids instead of random ones")
    parser.add_argument(
        "--touch-updated-at",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="override whether archive/cancel/delete bump updated_at",
    )


def run(args: argparse.Namespace) -> int:
    body = {"stream": args.stream, "action": args.action, "count": args.count}
    if args.ids:
        body["ids"] = [i.strip() for i in args.ids.split(",") if i.strip()]
    if args.touch_updated_at is not None:
        body["touch_updated_at"] = args.touch_updated_at
    url = f"{args.url.rstrip('/')}/_admin/mutate"
    try:
        response = httpx.post(url, json=body, timeout=60)
    except httpx.HTTPError as exc:
        raise SystemExit(f"clinic-sandbox mutate: cannot reach {url}: {exc}") from None
    if response.status_code != 200:
        raise SystemExit(f"clinic-sandbox mutate: {response.json().get('message')}")
    print(json.dumps(response.json()))
    return 0
