"""`clinic-sandbox <command>`: dispatch to a simulator or tool, importing only the one asked for."""

from __future__ import annotations

import argparse
import importlib
import sys

# command -> (module exposing add_arguments(parser) and run(args), one-line help)
COMMANDS = {
    "cliniko": ("clinic_sandbox.cliniko.cli", "run the Cliniko API simulator"),
    "freshsales": ("clinic_sandbox.freshsales.cli", "run the Freshsales API simulator"),
    "salesforce": ("clinic_sandbox.salesforce.cli", "run the Salesforce API simulator"),
    "generate": ("clinic_sandbox.generate_cli", "generate a synthetic clinic into a folder"),
    "mutate": ("clinic_sandbox.cliniko.mutate_cli", "change records in a running simulator"),
}


def _usage() -> str:
    lines = ["usage: clinic-sandbox <command> [options]", "", "commands:"]
    lines += [f"  {name:<11} {text}" for name, (_, text) in COMMANDS.items()]
    lines.append("\n`clinic-sandbox <command> --help` lists a command's options.")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if not args or args[0] in ("-h", "--help"):
        print(_usage())
        return 0 if args else 2
    name = args[0]
    if name not in COMMANDS:
        print(f"clinic-sandbox: unknown command {name!r}\n\n{_usage()}", file=sys.stderr)
        return 2
    module_name, text = COMMANDS[name]
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as exc:
        if exc.name and module_name.startswith(exc.name):
            print(
                f"clinic-sandbox {name}: not available ({module_name} is not installed)",
                file=sys.stderr,
            )
            return 2
        raise
    parser = argparse.ArgumentParser(prog=f"clinic-sandbox {name}", description=text)
    module.add_arguments(parser)
    return int(module.run(parser.parse_args(args[1:])) or 0)


if __name__ == "__main__":
    sys.exit(main())
