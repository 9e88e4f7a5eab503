"""``wa docs``: regenerate the published documents from the contracts, or check they are current.

``wa docs contracts`` rewrites the generated block of docs/contracts.md; ``wa docs asyncapi``
writes docs/asyncapi.json. ``--check`` changes nothing and exits 1 when a file is stale.
"""

import argparse
import json
import sys
import tomllib
from pathlib import Path
from typing import Any

from cli.contracts_doc import render_generated, splice
from contracts.asyncapi import asyncapi_document

__all__ = ["asyncapi_json", "contracts_markdown", "contracts_version", "register"]

ROOT = Path(__file__).resolve().parent.parent
CONTRACTS_MD = ROOT / "docs" / "contracts.md"
ASYNCAPI_JSON = ROOT / "docs" / "asyncapi.json"
EXAMPLE_SUBSCRIBER = ROOT / "docs" / "examples" / "subscriber.py"


def contracts_version() -> str:
    """The version of the wa-contracts package (contracts/pyproject.toml)."""
    config = tomllib.loads((ROOT / "contracts" / "pyproject.toml").read_text())
    return str(config["project"]["version"])


def contracts_markdown(current: str) -> str:
    return splice(current, render_generated(EXAMPLE_SUBSCRIBER.read_text()))


def asyncapi_json() -> str:
    return json.dumps(asyncapi_document(contracts_version()), indent=2) + "\n"


def register(sub: Any) -> None:
    parser: argparse.ArgumentParser = sub.add_parser(
        "docs", help="regenerate docs/contracts.md or docs/asyncapi.json from the contracts"
    )
    parser.add_argument("document", choices=["contracts", "asyncapi"])
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--check", action="store_true", help="exit 1 if the file is out of date")
    mode.add_argument("--stdout", action="store_true", help="print instead of writing the file")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    path = CONTRACTS_MD if args.document == "contracts" else ASYNCAPI_JSON
    current = path.read_text() if path.exists() else ""
    wanted = contracts_markdown(current) if args.document == "contracts" else asyncapi_json()
    if args.stdout:
        sys.stdout.write(wanted)
        return 0
    if args.check:
        if current != wanted:
            print(f"{path} is out of date: run `wa docs {args.document}`", file=sys.stderr)
            return 1
        return 0
    path.write_text(wanted)
    print(f"wrote {path}", file=sys.stderr)
    return 0
