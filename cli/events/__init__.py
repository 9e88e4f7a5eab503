"""``wa events``: the operator's tools for the event log (tail, replay, export, import,
inspect, stats), talking to NATS at ``--nats-url`` or ``WA_NATS_URL``. Ctrl-C stops a long
command cleanly; see each command's ``--help`` for how to resume it."""

import argparse
import asyncio
import os
import signal
import sys
from collections.abc import Awaitable, Callable
from typing import Any

import nats
from nats.aio.client import Client
from nats.errors import NoServersError
from nats.js import JetStreamContext
from nats.js.errors import APIError

from cli.events import commands
from cli.events.files import CommandError
from runtime.nats_auth.credentials import Credentials, client_credentials
from runtime.nats_auth.permissions import OPERATOR
from runtime.settings import load_settings

__all__ = ["register"]

QUIET_VERBS = ("inspect", "stats")  # print one answer and log nothing: no logging to import
Command = Callable[[argparse.Namespace, JetStreamContext, asyncio.Event], Awaitable[int]]


def register(sub: Any) -> None:
    parser: argparse.ArgumentParser = sub.add_parser(
        "events", help="tail, replay, export, import, inspect and count the event log"
    )
    parser.add_argument("--nats-url", default=None, help="default: $WA_NATS_URL")
    verbs = parser.add_subparsers(dest="verb", required=True)
    for name, help_text, command, has_start in commands.VERBS:
        verb = verbs.add_parser(name, help=help_text, description=help_text)
        verb.add_argument("--nats-url", default=argparse.SUPPRESS, help="default: $WA_NATS_URL")
        commands.add_arguments(name, verb)
        if name not in ("inspect", "import"):
            verb.add_argument("--tenant")
            verb.add_argument("--session")
            verb.add_argument("--type", help="message.received, or a family: message")
        if has_start:
            where = verb.add_mutually_exclusive_group()
            where.add_argument("--from-seq", type=int, metavar="SEQ")
            where.add_argument("--since", metavar="TIME", help="2026-01-01T09:00:00Z or 15m/2h/7d")
        verb.set_defaults(func=_runner(command))


def _runner(command: Command) -> Callable[[argparse.Namespace], int]:
    def run(args: argparse.Namespace) -> int:
        settings = load_settings()
        if args.verb not in QUIET_VERBS:
            from runtime.logging import configure_logging

            configure_logging("wa-events", fmt=settings.log_format, level=settings.log_level)
        url = args.nats_url or settings.nats_url
        if not url:
            print("wa events: give --nats-url or set WA_NATS_URL", file=sys.stderr)
            return 2
        try:
            creds = client_credentials(settings, OPERATOR)
            return asyncio.run(_connected(command, args, url, settings.request_timeout_s, creds))
        except (CommandError, ValueError) as exc:
            print(f"wa events {args.verb}: {exc}", file=sys.stderr)
            return 2
        except BrokenPipeError:  # the reader went away (`wa events replay | head`): fine
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            return 0

    return run


async def _connected(
    command: Command,
    args: argparse.Namespace,
    url: str,
    timeout: float,
    creds: Credentials | None,
) -> int:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()

    def stop_cleanly(sig: signal.Signals) -> None:
        stop.set()
        loop.remove_signal_handler(sig)  # a second Ctrl-C interrupts at once

    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop_cleanly, sig)
    nc = await _connect(url, timeout, creds)
    try:
        return await command(args, nc.jetstream(timeout=timeout), stop)
    except APIError as exc:  # e.g. no events stream on that server yet
        raise CommandError(f"NATS refused: {exc.description} (code {exc.err_code})") from exc
    finally:
        await nc.close()


async def _connect(url: str, timeout: float, creds: Credentials | None) -> Client:
    """A few attempts, then a clear error: an operator's command must not hang on a typo."""

    async def quiet(_: Exception) -> None:
        return None

    auth = {"user": creds.user, "password": creds.password} if creds else {}
    try:
        return await nats.connect(
            servers=url.split(","),
            name="wa-events",
            **auth,
            connect_timeout=timeout,
            max_reconnect_attempts=2,
            reconnect_time_wait=0.2,
            error_cb=quiet,
        )
    except (NoServersError, OSError) as exc:
        raise CommandError(f"cannot reach NATS at {url}: {exc!r}") from exc
