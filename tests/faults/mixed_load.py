"""A mixed load on one connected session (incoming messages through the simulator, sends
and reminders through the gateway), a fault in the middle of it, and the check afterwards:
the event log, the store's tables and the simulator's record of sends agree."""

import asyncio
import contextlib
import time
import uuid
from collections import Counter
from collections.abc import Awaitable, Callable
from typing import Any

import aiohttp
from nats.aio.client import Client

from cli.stack import LocalStack
from contracts.simulator import SimIncoming
from tests.faults.receiver import WebhookReceiver
from tests.faults.support import (
    PEER,
    due_in,
    gateway_ready,
    log_events,
    sim_sent,
    sim_until_ok,
    store_messages,
)
from tests.support.http import Api
from tests.support.waiting import eventually

SENDS, INCOMING, REMINDERS = 24, 24, 6
Fault = Callable[[], Awaitable[None]]


class Ledger:
    """What the client was told: ids acknowledged, and attempts whose outcome it never learnt
    (the connection broke or the answer was a 503). Those are retried with the same body and
    Idempotency-Key, so none of them may do its work a second time."""

    def __init__(self) -> None:
        self.acked: list[str] = []
        self.unknown = 0


async def post_until_answered(
    api: Api, path: str, body: Callable[[], Any], ledger: Ledger, ok: int
) -> None:
    """Retry with the same body and key until answered. A reminder refused because its due
    time passed during the outage (so nothing was made: a retry of a made one is accepted)
    is sent again as a new request, with a new due time and key."""
    payload, key = body(), {"Idempotency-Key": str(uuid.uuid4())}
    while True:
        try:
            status, answer = await api.call("POST", path, json=payload, headers=key)
        except (TimeoutError, aiohttp.ClientError):
            ledger.unknown += 1
            await asyncio.sleep(0.2)
            continue
        if status == ok:
            ledger.acked.append(str(answer["id"]))
            return
        code = answer.get("error", {}).get("code")
        if (status, code) == (422, "due_in_past"):
            payload, key = body(), {"Idempotency-Key": str(uuid.uuid4())}
            continue
        running = (status, code) == (409, "idempotency_request_in_progress")
        assert status in (503, 504) or running, (status, answer)  # not answering: try again
        ledger.unknown += 1
        await asyncio.sleep(0.2)


async def mixed_load(
    stack: LocalStack, api: Api, nc: Client, session: str, fault: Fault
) -> tuple[Ledger, Ledger, float]:
    sends, reminders = Ledger(), Ledger()
    recovery: list[float] = []
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
        began = time.perf_counter()
        await fault()
        # a restarted reminder service waits for its consumer's unacknowledged batch (ack_wait)
        await eventually(lambda: ready_unless_exited(stack), timeout=75)
        recovery.append(time.perf_counter() - began)

    work = [send(i) for i in range(SENDS)] + [remind(i) for i in range(REMINDERS)]
    work += [receive(i) for i in range(INCOMING)]
    async with asyncio.timeout(120), asyncio.TaskGroup() as group:  # a failure cancels the rest
        for job in [killer(), *work]:
            group.create_task(job)
    return sends, reminders, recovery[0]


class ServiceExited(Exception):
    """A service process ended by itself after the fault (it did not recover)."""


async def ready_unless_exited(stack: LocalStack) -> bool:
    if stack.exited():
        raise ServiceExited(stack.exited())
    return await gateway_ready(stack)


async def fault_round(
    stack: LocalStack,
    nc: Client,
    api: Api,
    session: str,
    label: str,
    fault: Fault,
    hooks: WebhookReceiver,
) -> str:
    """The load with ``fault`` in its middle; asserts nothing lost or doubled; the figures."""
    await hooks.register(api, session)
    sends, reminders, recovered_s = await mixed_load(stack, api, nc, session, fault)

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
    client_sends = {
        getattr(e.payload, "message_id", "")
        for e in events
        if e.type == "message.queued" and getattr(e.payload, "reminder_id", None) is None
    }
    scheduled = set(by_type.get("reminder.scheduled", Counter()))
    retried_twice = len(client_sends - set(sends.acked)) + len(scheduled - set(reminders.acked))
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

    async def reminders_sent_in_store() -> bool:
        for rid in reminders.acked:
            status, body = await api.call("GET", f"/v1/reminders/{rid}")
            if status != 200 or body["status"] != "sent":
                return False
        return True

    with contextlib.suppress(AssertionError):  # counted below
        await eventually(reminders_sent_in_store, timeout=20, interval=0.3)
    store_unsent = 0
    for rid in reminders.acked:
        store_unsent += (await api.call("GET", f"/v1/reminders/{rid}"))[1].get("status") != "sent"
    wanted = {e.id for e in events if e.type.startswith("message.")}

    async def all_delivered() -> bool:
        return wanted <= set(hooks.seen)

    with contextlib.suppress(AssertionError):  # counted below
        await eventually(all_delivered, timeout=30, interval=0.2)
    hooks_lost = len(wanted - set(hooks.seen))
    hooks_twice = sum(hooks.seen[i] - 1 for i in wanted if hooks.seen[i] > 1)
    figures = (
        f"{label}: acked sends {len(sends.acked)}, reminders {len(reminders.acked)}, incoming "
        f"{INCOMING}, ready again after {recovered_s:.1f} s, unanswered attempts "
        f"{sends.unknown + reminders.unknown} (done twice when retried: {retried_twice}); "
        f"events lost: "
        f"{lost}, duplicates: {doubled}, send failures: {failed}, simulator mismatches: "
        f"{sim_mismatch}, store rows {len(rows)} (doubled: {store_doubled}, "
        f"missing: {store_missing}), acked reminders not 'sent' in the store: {store_unsent}; "
        f"reminders: {dict(Counter(e.type for e in events if e.type.startswith('reminder.')))}"
    )
    figures += (
        f"; webhook deliveries of {len(wanted)} message events: lost {hooks_lost}, "
        f"delivered twice {hooks_twice} (at least once is the contract)"
    )
    print(figures)
    assert (lost, doubled, failed, sim_mismatch, hooks_lost) == (0, 0, 0, 0, 0), figures
    assert retried_twice == 0, figures  # each retry carried its Idempotency-Key
    assert (store_doubled, store_missing, store_unsent) == (0, 0, 0), figures
    assert (
        len(queued) <= len(sends.acked) + len(reminders.acked) + sends.unknown + reminders.unknown
    ), figures
    return figures
