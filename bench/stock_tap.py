"""The "stock" pipeline's tap: a plain singer-sdk RESTStream tap over the same Cliniko API.

What a developer gets by following the SDK cookbook: page-number paging with the SDK's own
paginator, default settings (record validation and conforming on, the SDK's default JSON
writer), one request at a time. It reads the same routes with the same hidden-row wildcards as
tap-cliniko and declares tap-cliniko's schemas, except that to-one links stay the API's link
objects (a stock tap does not flatten them). Benchmark use only: `python -m bench.stock_tap`.
"""

from __future__ import annotations

import copy
from typing import Any

import requests
from singer_sdk import RESTStream, Tap
from singer_sdk import typing as th
from singer_sdk.authenticators import BasicAuthenticator
from singer_sdk.pagination import PageNumberPaginator
from tap_cliniko.streams import STREAM_TYPES

PER_PAGE = 100
LINK = {"type": ["object", "null"], "additionalProperties": True}


def raw_schema(schema: dict[str, Any]) -> dict[str, Any]:
    """tap-cliniko's schema with each flattened `<name>_id` link back as the API's `<name>`."""
    raw = copy.deepcopy(schema)
    properties = {}
    for name, prop in raw["properties"].items():
        if "x-cliniko-link" in prop and name.endswith("_id"):
            properties[name.removesuffix("_id")] = LINK
        else:
            properties[name] = prop
    raw["properties"] = properties
    return raw


class MorePages(PageNumberPaginator):
    def has_more(self, response: requests.Response) -> bool:
        return "next" in response.json().get("links", {})


class StockStream(RESTStream):
    hidden: tuple[str, ...] = ()

    @property
    def url_base(self) -> str:
        return self.config["base_url"]

    @property
    def authenticator(self) -> BasicAuthenticator:
        return BasicAuthenticator(username=self.config["api_key"], password="")

    @property
    def http_headers(self) -> dict[str, str]:
        return {"User-Agent": self.config["user_agent"], "Accept": "application/json"}

    def get_new_paginator(self) -> PageNumberPaginator:
        return MorePages(1)

    def get_url_params(self, context: Any, next_page_token: Any) -> dict[str, Any]:
        params: dict[str, Any] = {"page": next_page_token or 1, "per_page": PER_PAGE}
        if self.hidden:
            params["q[]"] = [f"{name}:*" for name in self.hidden]
        return params


def stock_stream(source: Any) -> type[StockStream]:
    """A plain stream class for one tap-cliniko stream: its first route, key and raw schema."""
    return type(
        f"Stock{source.__name__}",
        (StockStream,),
        {
            "name": source.name,
            "path": f"/{source.name}",
            "primary_keys": list(getattr(source, "primary_keys", None) or ["id"]),
            "records_jsonpath": f"$.{source.name}[*]",
            "schema": raw_schema(source.schema),
            "hidden": tuple(getattr(source, "hidden_row_filters", ())),
        },
    )


# Left out, as a stock tap's author would: settings is one object, not a list (one record), and
# services' key fields are link objects in the raw API (target-duckdb cannot key on them).
LEFT_OUT = ("settings", "services")
STREAMS = [stock_stream(source) for source in STREAM_TYPES if source.name not in LEFT_OUT]


class StockTap(Tap):
    name = "stock-tap-cliniko"
    config_jsonschema = th.PropertiesList(
        th.Property("api_key", th.StringType, required=True, secret=True),
        th.Property("user_agent", th.StringType, required=True),
        th.Property("base_url", th.StringType, required=True),
    ).to_dict()

    def discover_streams(self) -> list[StockStream]:
        return [stream(tap=self) for stream in STREAMS]


if __name__ == "__main__":
    StockTap.cli()
