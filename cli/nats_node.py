"""``wa nats-node``: one locked NATS server as compose runs it (a cluster node, or the single
server), with its users agent; ``wa bus-secrets``: the passwords it, the services and
compose's PostgreSQL and Grafana take.

Each service user's password comes from ``WA_NATS_PASSWORD_<USER>`` (compose passes them from
its environment or secrets); the routes' from ``WA_NATS_ROUTE_PASSWORD``."""

import argparse
import asyncio
import contextlib
import os
import secrets
import signal
import sys
from pathlib import Path
from typing import Any

from runtime.logging import configure_logging
from runtime.nats_auth.credentials import Credentials
from runtime.nats_auth.node import Cluster, LockedNats
from runtime.nats_auth.permissions import SERVICE_USERS
from runtime.nats_auth.users import new_password

__all__ = ["DEPLOYMENT_SECRETS", "password_variable", "print_secrets", "register"]

ROUTE_PASSWORD = "WA_NATS_ROUTE_PASSWORD"
SECRETS_HELP = "print new passwords for compose as KEY=value lines"
DEPLOYMENT_SECRETS = ("POSTGRES_PASSWORD", "GRAFANA_ADMIN_PASSWORD")


def password_variable(user: str) -> str:
    return "WA_NATS_PASSWORD_" + user.upper().replace("-", "_")


def register(sub: Any) -> None:
    node: argparse.ArgumentParser = sub.add_parser("nats-node", help="run one locked NATS server")
    node.add_argument("--name", required=True, help="server name (unique in the cluster)")
    node.add_argument("--store-dir", default="/data")
    node.add_argument("--port", type=int, default=4222)
    node.add_argument("--cluster-name", default="", help="empty: a single server")
    node.add_argument("--cluster-listen", default="0.0.0.0:6222")
    node.add_argument(
        "--routes", default="", help="nats://host:port of every node, comma-separated"
    )
    node.add_argument("--replicas", type=int, default=1, help="copies of the credentials bucket")
    node.set_defaults(func=run)
    made = sub.add_parser("bus-secrets", help=SECRETS_HELP)
    made.set_defaults(func=print_secrets)


def print_secrets(_: argparse.Namespace) -> int:
    for name in (*(password_variable(user) for user in SERVICE_USERS), ROUTE_PASSWORD):
        print(f"{name}={new_password()}")
    print(f"WA_MEDIA_LINK_KEY={new_password()}")  # the gateway's and webhooks' shared key
    for name in DEPLOYMENT_SECRETS:  # compose's own: no default password to forget
        print(f"{name}={secrets.token_urlsafe(32)}")  # URL-safe: it goes into database URLs
    return 0


def _credentials() -> dict[str, Credentials]:
    missing = [
        password_variable(u) for u in SERVICE_USERS if not os.environ.get(password_variable(u))
    ]
    if missing:
        raise SystemExit(f"wa nats-node: set {', '.join(missing)} (wa bus-secrets makes them)")
    return {
        u: Credentials(user=u, password=os.environ[password_variable(u)]) for u in SERVICE_USERS
    }


def run(args: argparse.Namespace) -> int:
    configure_logging("nats-node", fmt=os.environ.get("WA_LOG_FORMAT", "auto"))
    cluster = None
    if args.cluster_name:
        cluster = Cluster(
            server_name=args.name, name=args.cluster_name, listen=args.cluster_listen,
            routes=args.routes.split(","), route_password=os.environ.get(ROUTE_PASSWORD, ""),
        )  # fmt: skip
    node = LockedNats(
        Path(args.store_dir), _credentials(), port=args.port, cluster=cluster,
        replicas=args.replicas, host="0.0.0.0",
    )  # fmt: skip
    return asyncio.run(_serve(node))


async def _serve(node: LockedNats) -> int:
    stop = asyncio.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        asyncio.get_running_loop().add_signal_handler(sig, stop.set)
    await node.start(timeout=60)
    while not stop.is_set() and not node.exited():
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), timeout=1.0)
    died = node.exited()
    node.stop()
    print("nats-server exited" if died else "stopped", file=sys.stderr)
    return 1 if died else 0
