"""SIGKILL each service in turn during a mixed load (incoming messages through the simulator,
sends and reminders through the gateway); after its restart nothing is lost and nothing is
doubled: the event log, the store's tables and what the simulator sent all agree.

One stack for the module; each service's round uses its own connected session."""

import asyncio
from collections import Counter
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import aiohttp
import pytest
import pytest_asyncio
from nats.aio.client import Client

from cli.stack import LocalStack
from contracts.simulator import SimIncoming
from tests.faults.support import (
    PEER,
    connected_session,
    due_in,
    gateway_ready,
    http_admin,
    log_events,
    new_tenant,
    sim_client,
    sim_sent,
    sim_until_ok,
    started,
    store_messages,
)
from tests.support.http import Api
from tests.support.waiting import eventually

pytestmark = pytest.mark.asyncio(loop_scope="module")

SENDS, INCOMING, REMINDERS = 24, 24, 6


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def stack(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[LocalStack]:
    local = await started(Path(tmp_path_factory.mktemp("kills")) / "var", WA_GATEWAY_RATE_PER_S="0")
    yield local
    local.stop()


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def nc(stack: LocalStack) -> AsyncIterator[Client]:
    client = await sim_client(stack)
    yield client
    await client.close()


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def api(stack: LocalStack) -> AsyncIterator[Api]:
    async for admin in http_admin(stack):
        yield await new_tenant(admin, "kills")


class Ledger:
    """What the client was told: ids acknowledged, and attempts whose outcome it never learnt
    (the connection broke or the answer was a 503), which are not retried."""

    def __init__(self) -> None:
        self.acked: list[str] = []
        self.unknown = 0


async def post_until_answered(
    api: Api, path: str, body: Callable[[], Any], ledger: Ledger, ok: int
) -> None:
    while True:
        try:
            status, answer = await api.call("POST", path, json=body())
        except (TimeoutError, aiohttp.ClientError):
            ledger.unknown += 1
            await asyncio.sleep(0.2)
            continue
        if status == ok:
            ledger.acked.append(str(answer["id"]))
            return
        assert status in (503, 504), (status, answer)  # a service not answering: try again
        ledger.unknown += 1
        await asyncio.sleep(0.2)


async def mixed_load(api: Api, nc: Client, session: str, kill: Any) -> tuple[Ledger, Ledger]:
    sends, reminders = Ledger(), Ledger()
    messages = f"/v1/sessions/{session}/messages"

    async def send(i: int) -> None:
        await post_until_answered(api, messages, lambda: {"to": PEER, "text": f"s{i}"}, sends, 202)

    async def remind(i: int) -> None:
        def body() -> dict[str, str]:
            return {"session_id": session, "to": PEER, "text": f"r{i}", "due_at": due_in(2)}

        await post_until_answered(api, "/v1/reminders", body, reminders, 201)

    async def receive(i: int) -> None:
        incoming = SimIncoming(
            session=session, sender="+201000000002", text=f"in{i}", message_id=f"IN{session}{i}"
        )
        await sim_until_ok(nc, "incoming", incoming)

    async def killer() -> None:
        await eventually(lambda: asyncio.sleep(0, len(sends.acked) >= SENDS // 3), timeout=30)
        kill()

    work = [send(i) for i in range(SENDS)] + [remind(i) for i in range(REMINDERS)]
    work += [receive(i) for i in range(INCOMING)]
    await asyncio.wait_for(asyncio.gather(killer(), *work), timeout=60)
    return sends, reminders


@pytest.mark.parametrize("victim", ["session", "store", "reminder", "gateway", "webhooks"])
async def test_sigkill_loses_and_doubles_nothing(
    stack: LocalStack, nc: Client, api: Api, victim: str
) -> None:
    session = await connected_session(api, nc, f"kill {victim}")

    def kill() -> None:
        stack.kill(victim)
        stack.start_service(victim)

    sends, reminders = await mixed_load(api, nc, session, kill)
    await eventually(lambda: gateway_ready(stack), timeout=30)

    async def settled() -> list[Any]:
        events = [e for _, e in await log_events(nc, session)]
        ids = {getattr(e.payload, "message_id", "") for e in events if e.type == "message.sent"}
        ids |= {getattr(e.payload, "reminder_id", "") for e in events if e.type == "reminder.sent"}
        return events if ids >= set(sends.acked) | set(reminders.acked) else []

    try:
        events = await eventually(settled, timeout=30, interval=0.3)
    except AssertionError:  # counted as lost below, with the figures
        events = [e for _, e in await log_events(nc, session)]
    by_type: dict[str, Counter[str]] = {}
    for e in events:
        key = getattr(
            e.payload, "reminder_id" if e.type.startswith("reminder.") else "message_id", ""
        )
        by_type.setdefault(e.type, Counter())[key] += 1
    queued, sent = by_type["message.queued"], by_type["message.sent"]
    received = by_type["message.received"]
    doubled = sum(n - 1 for c in (queued, sent, received) for n in c.values() if n > 1)
    doubled += sum(n - 1 for n in Counter(e.id for e in events).values() if n > 1)
    lost = len(set(sends.acked) - set(sent)) + (INCOMING - len(received))
    lost += len(set(reminders.acked) - set(by_type.get("reminder.sent", Counter())))
    failed = len(by_type.get("message.send_failed", Counter()))
    seen = Counter(m.message_id for m in (await sim_sent(nc, session)).sent)
    sim_mismatch = len(set(seen) ^ set(sent)) + sum(n - 1 for n in seen.values())

    async def store_agrees() -> list[dict[str, Any]]:
        rows = await store_messages(api, session)
        return rows if {r["message_id"] for r in rows} == set(queued) | set(received) else []

    try:
        rows = await eventually(store_agrees, timeout=20, interval=0.3)
    except AssertionError:
        rows = await store_messages(api, session)
    store_doubled = len(rows) - len({r["message_id"] for r in rows})
    store_missing = len((set(queued) | set(received)) - {r["message_id"] for r in rows})
    figures = (
        f"{victim}: acked sends {len(sends.acked)}, reminders {len(reminders.acked)}, incoming "
        f"{INCOMING}, unanswered attempts {sends.unknown + reminders.unknown}; events lost: "
        f"{lost}, duplicates: {doubled}, send failures: {failed}, simulator mismatches: "
        f"{sim_mismatch}, store rows {len(rows)} (doubled: {store_doubled}, "
        f"missing: {store_missing}); "
        f"reminders: {dict(Counter(e.type for e in events if e.type.startswith('reminder.')))}"
    )
    print(figures)
    assert (lost, doubled, failed, sim_mismatch) == (0, 0, 0, 0), figures
    assert (store_doubled, store_missing) == (0, 0), figures
    assert (
        len(queued) <= len(sends.acked) + len(reminders.acked) + sends.unknown + reminders.unknown
    ), figures
