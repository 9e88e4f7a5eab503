"""``wa``: one entry point; each sub-command lives in its own module, imported only when that
sub-command runs (``wa sim …`` must not pay for the services' imports)."""

import argparse
import importlib
import sys

__all__ = ["COMMANDS", "build_parser", "main"]

# command -> (the module whose ``register(sub)`` adds it, its one-line help)
COMMANDS: dict[str, tuple[str, str]] = {
    "up": ("cli.up", "run the whole system locally"),
    "schema": ("cli.schema", "print the JSON Schema document"),
    "docs": ("cli.docs", "regenerate docs/contracts.md or docs/asyncapi.json from the contracts"),
    "events": ("cli.events", "tail, replay, export, import, inspect and count the event log"),
    "sim": ("cli.sim", "drive the WhatsApp simulator"),
    "store": ("cli.store", "rebuild the store's tables"),
    "nats-node": ("cli.nats_node", "run one locked NATS server"),
    "bus-secrets": ("cli.nats_node", "print new passwords for compose as KEY=value lines"),
}


def _import_nats_without_websockets() -> None:
    """nats-py imports aiohttp (a third of a second) only for ``ws://`` servers, which no
    ``wa`` command uses: import nats with aiohttp hidden, then let aiohttp import normally."""
    if "nats" in sys.modules or "aiohttp" in sys.modules:
        return
    sys.modules["aiohttp"] = None  # type: ignore[assignment]  # makes `import aiohttp` fail
    try:
        importlib.import_module("nats")
    finally:
        del sys.modules["aiohttp"]


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The full parser of ``command`` (its module imported); the others by name and help only."""
    parser = argparse.ArgumentParser(prog="wa", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    chosen = COMMANDS[command][0] if command in COMMANDS else None
    for name, (module, help_text) in COMMANDS.items():
        if module != chosen:
            sub.add_parser(name, help=help_text, add_help=False)
    if chosen is not None:
        _import_nats_without_websockets()
        importlib.import_module(chosen).register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    command = next((arg for arg in argv if not arg.startswith("-")), None)
    args = build_parser(command).parse_args(argv)
    result: int = args.func(args)
    return result


if __name__ == "__main__":
    sys.exit(main())
