"""``wa``: one entry point; each sub-command lives in its own module."""

import argparse
import sys

from cli import docs, events, nats_node, schema, sim, store, up

__all__ = ["main"]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="wa", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    up.register(sub)
    schema.register(sub)
    docs.register(sub)
    events.register(sub)
    sim.register(sub)
    store.register(sub)
    nats_node.register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    result: int = args.func(args)
    return result


if __name__ == "__main__":
    sys.exit(main())
