"""Every private attribute of nats-py that the runtime reads or sets, in one place, so that a
new nats-py is checked here once: ``CHECKED`` lists the versions they were read against, and
tests/unit/test_nats_private.py fails on any other (as it does for runtime/nats_tap.py, which
patches the parser and shares the list)."""

from typing import Any

from nats.aio.client import Client
from nats.aio.client import __version__ as nats_py_version
from nats.js import JetStreamContext

__all__ = [
    "CHECKED",
    "checked",
    "connection_of",
    "new_nuid",
    "rebind",
    "request_timeout",
    "with_timeout",
]

CHECKED = ("2.16.0",)  # nats-py versions whose internals were read


def checked(version: str = nats_py_version) -> bool:
    return version in CHECKED


def connection_of(js: JetStreamContext) -> Client:
    """The connection a JetStream context sends on (``_nc``)."""
    nc: Client = js._nc
    return nc


def request_timeout(js: JetStreamContext) -> float:
    """The context's request timeout (``_timeout``)."""
    return float(js._timeout)


def with_timeout(js: JetStreamContext, timeout: float) -> JetStreamContext:
    """A context like ``js`` (same connection and API prefix) with its own request timeout."""
    return JetStreamContext(js._nc, prefix=js._prefix, timeout=timeout)


def rebind(handle: Any, js: JetStreamContext) -> None:
    """A KeyValue or ObjectStore opened through another context sends on ``js`` (``_js``)."""
    handle._js = js


def new_nuid(js: JetStreamContext) -> str:
    """A fresh NUID from the connection's generator, as nats-py's own object store makes."""
    return str(js._nc._nuid.next().decode())
