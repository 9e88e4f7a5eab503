"""SIGKILL each service in turn, then stop and restart NATS, during a mixed load (incoming
messages through the simulator, sends and reminders through the gateway); afterwards nothing
is lost and nothing is doubled: the event log, the store's tables and what the simulator sent
all agree, and no event id is in the stream twice.

One stack for the module; each round uses its own connected session."""

import asyncio
from collections import Counter
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import pytest_asyncio
from nats.aio.client import Client

from cli.stack import LocalStack
from tests.faults.mixed_load import ServiceExited, fault_round
from tests.faults.receiver import WebhookReceiver
from tests.faults.support import MIXED_LOAD, connected_session, log_events, running
from tests.support.http import Api

pytestmark = pytest.mark.asyncio(loop_scope="module")


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def stack(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[LocalStack]:
    data_dir = Path(tmp_path_factory.mktemp("kills")) / "var"
    async with running(data_dir, MIXED_LOAD) as local:
        yield local


@pytest.mark.parametrize("victim", ["session", "store", "reminder", "gateway", "webhooks"])
async def test_sigkill_loses_and_doubles_nothing(
    stack: LocalStack, nc: Client, api: Api, hooks: WebhookReceiver, victim: str
) -> None:
    session = await connected_session(api, nc, f"kill {victim}")

    async def kill() -> None:
        stack.kill(victim)
        stack.start_service(victim)

    await fault_round(stack, nc, api, session, victim, kill, hooks)


async def test_nats_restart_under_load_services_reconnect_and_dedupe(
    stack: LocalStack, nc: Client, api: Api, hooks: WebhookReceiver
) -> None:
    """Last in the module: the NATS server stops and starts again (same port, same store)."""
    assert stack.nats is not None
    nats_server = stack.nats
    session = await connected_session(api, nc, "nats restart")

    async def restart_nats() -> None:
        nats_server.stop()
        await asyncio.sleep(1.0)  # an outage of one second, not a wait for a condition
        await nats_server.start()

    try:
        figures = await fault_round(stack, nc, api, session, "nats restart", restart_nats, hooks)
    except* ServiceExited as group:
        exited = [name for exc in group.exceptions for name in exc.args[0]]
        ids = Counter(e.id for _, e in await log_events(nc))
        print(
            f"nats restart: services that exited instead of reconnecting: {exited}; whole "
            f"stream: {len(ids)} events, duplicate event ids: {sum(ids.values()) - len(ids)}"
        )
        assert sum(ids.values()) == len(ids), "an event id is in the stream twice"
        raise
    ids = Counter(e.id for _, e in await log_events(nc))
    duplicates = sum(n - 1 for n in ids.values())
    exited = stack.exited()
    print(f"whole stream: {len(ids)} events, duplicate event ids: {duplicates}, exited: {exited}")
    assert duplicates == 0 and exited == [], (duplicates, exited, figures)
