"""The whole stack as processes for one test, one module or the e2e package: started, then
stopped (also when it failed to start), and no permission violation logged on the locked bus.

Starting one costs seconds (NATS and five services), so the e2e modules whose tests neither
kill nor reconfigure a service nor reload NATS's users run on one shared stack (``SHARED_ENV``);
each of their tests makes its own tenant and sessions, which is all the isolation they need. A
module opts in with ``stack, admin, sim = on_the_shared_stack()`` and runs its tests on the
package's event loop."""

from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import pytest
from nats.aio.client import Client

from cli.stack import LocalStack
from tests.support.http import Api

__all__ = ["BASE_ENV", "SHARED_ENV", "on_the_shared_stack", "running_stack"]

BASE_ENV = {"PATH": "/usr/bin:/bin", "WA_LOG_FORMAT": "json"}

SHARED_ENV = {
    "WA_GATEWAY_RATE_PER_S": "0",  # a test is one client sending many requests (the fuzz too)
    "WA_GATEWAY_SSE_HEARTBEAT_S": "1",  # a comment line on idle event streams, seen in a test
    "WA_RECONNECT_MAX_ATTEMPTS": "0",  # a drop waits for a person: POST …/reconnect
    # Pacing and typing small enough for a test, still through the same code
    "WA_SEND_PER_MINUTE": "600", "WA_SEND_BURST": "50", "WA_SEND_MIN_SPACING_S": "0",
    "WA_SEND_JITTER_S": "0", "WA_TYPING_BASE_S": "0.05", "WA_TYPING_PER_CHAR_S": "0",
    "WA_TYPING_MAX_S": "0.2", "WA_REMINDER_MIN_SPACING_S": "0.05", "WA_REMINDER_JITTER_S": "0.05",
    "WA_MEDIA_MAX_IMAGE_BYTES": str(256 * 1024),  # test_media's IMAGE_LIMIT
    "WA_MEDIA_DOWNLOAD_BACKOFF_S": "0.01", "WA_MEDIA_DOWNLOAD_ATTEMPTS": "3",
    "WA_MEDIA_FETCH_ALLOW_LOOPBACK": "true",  # test_media's file server is on loopback
}  # fmt: skip


@asynccontextmanager
async def running_stack(
    data_dir: Path, env: Mapping[str, str], *, supervise: bool = False, timeout: float = 90.0
) -> AsyncIterator[LocalStack]:
    """``timeout``: a deadline, not a wait; a start on a loaded 2-core machine took over 30 s."""
    local = LocalStack(data_dir, env={**BASE_ENV, **env}, supervise=supervise)
    try:  # a stack that failed to start is stopped too: no services left running
        await local.start(timeout=timeout)
        yield local
    finally:
        local.stop()
    violations = local.permission_violations()
    assert violations == [], violations


def on_the_shared_stack() -> tuple[Any, Any, Any]:
    """A module's ``stack``, ``admin`` and ``sim`` fixtures: the e2e package's shared ones
    (``shared_stack``, ``shared_admin``, ``shared_sim`` in tests/e2e/conftest.py)."""

    @pytest.fixture(name="stack", scope="module")
    def stack(shared_stack: LocalStack) -> LocalStack:
        return shared_stack

    @pytest.fixture(name="admin", scope="module")
    def admin(shared_admin: Api) -> Api:
        return shared_admin

    @pytest.fixture(name="sim", scope="module")
    def sim(shared_sim: Client) -> Client:
        return shared_sim

    return stack, admin, sim
