"""``wa schema``: the JSON Schema of every event, command, query and reply."""

import argparse
import json
import sys
from typing import Any

from contracts.schema import json_schema


def register(sub: Any) -> None:
    parser: argparse.ArgumentParser = sub.add_parser(
        "schema", help="print the JSON Schema document"
    )
    parser.set_defaults(func=run)


def run(_: argparse.Namespace) -> int:
    json.dump(json_schema(), sys.stdout, indent=2, sort_keys=True)
    sys.stdout.write("\n")
    return 0
