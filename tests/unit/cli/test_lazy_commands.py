"""``wa`` imports only what the command given needs: ``wa sim`` and ``wa events inspect``
start in a fraction of a second because the services' libraries stay unimported (checked on
the import graph in a fresh interpreter, not by timing it)."""

import argparse
import importlib
import json
import subprocess
import sys

import pytest

from cli.main import COMMANDS, build_parser

HEAVY = ("aiohttp", "sqlalchemy", "aiosqlite", "alembic", "asyncpg", "neonize", "structlog",
         "rich", "services")  # fmt: skip

PROBE = """
import json, sys
from cli.main import build_parser
args = build_parser(sys.argv[1]).parse_args(sys.argv[1:])
for module in sys.argv[2:3] if sys.argv[1] == "events" else ():
    __import__("cli.events." + {"inspect": "lookup"}[module])  # what the verb imports when run
print(json.dumps(sorted({name.split(".")[0] for name in sys.modules})))
"""


def imported_by(*argv: str) -> set[str]:
    probe = subprocess.run(
        [sys.executable, "-c", PROBE, *argv], check=True, capture_output=True, text=True
    )
    return set(json.loads(probe.stdout))


@pytest.mark.parametrize(
    "argv",
    [
        ("sim", "incoming", "s1", "--from", "+201000000001", "--text", "hi"),
        ("sim", "scan", "s1", "--phone", "+201000000001"),
        ("events", "inspect", "7"),
    ],
)
def test_a_light_command_imports_no_heavy_library(argv: tuple[str, ...]) -> None:
    assert imported_by(*argv) & set(HEAVY) == set()


def test_the_heavy_check_would_see_a_heavy_import() -> None:
    assert "sqlalchemy" in imported_by("store", "swap")


def test_each_command_is_registered_by_the_module_it_names() -> None:
    for module in {module for module, _ in COMMANDS.values()}:
        parser = argparse.ArgumentParser()
        sub = parser.add_subparsers()
        importlib.import_module(module).register(sub)
        names = {name for name, (owner, _) in COMMANDS.items() if owner == module}
        assert set(sub.choices) == names, module
        helps = {action.dest: action.help for action in sub._choices_actions}
        assert helps == {name: COMMANDS[name][1] for name in names}


def test_every_command_parses_with_its_own_module_loaded() -> None:
    args = build_parser("sim").parse_args(["sim", "scan", "s1", "--phone", "+2010"])
    assert (args.command, args.verb, args.phone) == ("sim", "scan", "+2010")
    with pytest.raises(SystemExit):
        build_parser(None).parse_args(["nope"])
