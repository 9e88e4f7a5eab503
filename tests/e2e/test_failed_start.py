"""A stack whose start fails leaves nothing running: the services it started and its NATS
server are stopped before the error is raised (a test that failed to start one would
otherwise leave a whole stack behind, loading the machine for every test after it)."""

from pathlib import Path

import pytest

from cli.stack import LocalStack
from tests.support.stacks import BASE_ENV

BROKEN = {**BASE_ENV, "WA_REMINDER_MAX_ATTEMPTS": "many"}  # the reminder exits at start-up


async def test_a_start_that_fails_stops_everything_it_started(tmp_path: Path) -> None:
    stack = LocalStack(tmp_path / "var", env=BROKEN, services=("reminder", "gateway"))
    try:
        with pytest.raises(RuntimeError, match=r"exited during start-up: \['reminder'\]"):
            await stack.start(timeout=60)
        assert all(proc.poll() is not None for proc in stack.procs.values()), stack.procs
        assert stack.procs["gateway"].returncode is not None
        assert stack.nats is not None and stack.nats.exited()
    finally:
        stack.stop()  # only when the assertions failed is anything left to stop
