"""`target-salesforce`: the Singer target, plus `--generate-metadata OUTDIR` for admins.

The metadata mode reads the publish models' contracts from dbt's manifest and writes package.xml,
the source-format object/field files and the field definition sheet; it calls no API.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from target_salesforce import settings
from target_salesforce.fielddefs import field_defs, load_manifest
from target_salesforce.metadata import write_all
from target_salesforce.target import TargetSalesforce

FLAG = "--generate-metadata"


def main(argv: list[str] | None = None) -> None:
    """Dispatch: the metadata generator when asked for, else the Singer target's own CLI."""
    args = sys.argv[1:] if argv is None else argv
    if FLAG not in args:
        TargetSalesforce.cli()
        return
    parser = argparse.ArgumentParser(prog="target-salesforce")
    parser.add_argument(FLAG, dest="outdir", type=Path, required=True, metavar="OUTDIR")
    parser.add_argument(
        "--manifest",
        type=Path,
        default=Path("transform/target/manifest.json"),
        help="dbt manifest (run `dbt parse` first); default transform/target/manifest.json",
    )
    parser.add_argument("--api-version", default=settings.DEFAULT_API_VERSION)
    options = parser.parse_args(args)
    if not options.manifest.is_file():
        parser.exit(2, f"no dbt manifest at {options.manifest}: run `dbt parse` first\n")
    defs = field_defs(load_manifest(options.manifest))
    if not defs:
        parser.exit(2, "the manifest has no salesforce__* publish models with custom fields\n")
    written = write_all(defs, options.outdir, options.api_version)
    print(f"{len(defs)} custom fields; {len(written)} files written under {options.outdir}")
    print("Remember: grant the integration user field-level security on every new field.")


if __name__ == "__main__":
    main()
