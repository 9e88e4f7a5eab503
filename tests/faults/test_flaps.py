"""A session whose network flaps, and a logout in the middle of a burst of sends, on the
shared quiet stack (conftest.py: sends paced at 4/s, at most 3 reconnects per window)."""

import asyncio
from collections import Counter

import pytest
from nats.aio.client import Client

from contracts.simulator import SimDrop
from tests.faults.support import (
    MAX_RECONNECTS,
    PEER,
    connected_session,
    log_events,
    new_tenant,
    session_status,
    sim,
    sim_sent,
)
from tests.support.http import Api
from tests.support.waiting import eventually

pytestmark = pytest.mark.asyncio(loop_scope="package")


async def test_a_flapping_network_stays_within_the_reconnect_policy(
    quiet_admin: Api, quiet_nc: Client
) -> None:
    admin, nc = quiet_admin, quiet_nc
    api = await new_tenant(admin, "flaps")
    session = await connected_session(api, nc)
    drops = MAX_RECONNECTS + 3
    for n in range(drops):
        if not (await sim(nc, "drop", SimDrop(session=session, reason="network"))).ok:
            break  # no connection left to drop: the policy gave up
        if n < MAX_RECONNECTS:
            await wait_connected(nc, session, times=n + 2)
    await eventually(lambda: session_status(api, session, "needs_attention"), timeout=15)
    kinds = Counter(e.type for _, e in await log_events(nc, session))
    calls = (await sim_sent(nc, session)).connect_calls
    figures = (
        f"drops tried {drops}; session.connected: {kinds['session.connected']}, "
        f"session.disconnected: {kinds['session.disconnected']}, simulator connect calls: "
        f"{calls}; policy: 1 + {MAX_RECONNECTS} connections"
    )
    print(figures)
    assert kinds["session.connected"] == 1 + MAX_RECONNECTS, figures
    assert kinds["session.disconnected"] == 1 + MAX_RECONNECTS, figures
    assert calls <= 1 + MAX_RECONNECTS, figures


async def wait_connected(nc: Client, session: str, times: int) -> None:
    async def connected() -> bool:
        kinds = [e.type for _, e in await log_events(nc, session)]
        return kinds.count("session.connected") >= times

    await eventually(connected, timeout=15)


async def test_a_logout_mid_burst_stops_every_send_at_once(
    quiet_admin: Api, quiet_nc: Client
) -> None:
    admin, nc = quiet_admin, quiet_nc
    api = await new_tenant(admin, "logout")
    session = await connected_session(api, nc)
    path = f"/v1/sessions/{session}/messages"
    burst = [api.call("POST", path, json={"to": PEER, "text": f"b{i}"}) for i in range(30)]
    assert {status for status, _ in await asyncio.gather(*burst)} == {202}

    async def some_sent() -> bool:
        return len((await sim_sent(nc, session)).sent) >= 3

    await eventually(some_sent, timeout=15)
    assert (await sim(nc, "drop", SimDrop(session=session, reason="logout"))).ok
    await eventually(lambda: session_status(api, session, "logged_out"), timeout=15)
    at_logout = await sim_sent(nc, session)
    other = await connected_session(api, nc, "barrier")  # the service has moved on since
    status, body = await api.call(
        "POST", f"/v1/sessions/{other}/messages", json={"to": PEER, "text": "barrier"}
    )
    assert status == 202, body
    await eventually(lambda: any_sent(nc, other), timeout=15)
    later = await sim_sent(nc, session)
    events = [e for _, e in await log_events(nc, session)]
    kinds = [e.type for e in events]
    logout_at = kinds.index("session.logged_out")
    sent_after = [e for e in events[logout_at:] if e.type == "message.sent"]
    logged = {getattr(e.payload, "message_id", "") for e in events if e.type == "message.sent"}
    seen = {m.message_id for m in later.sent}
    figures = (
        f"sent before the logout: {len(logged)} of 30; message.sent after logged_out: "
        f"{len(sent_after)}; simulator sends after logged_out: "
        f"{later.send_calls - at_logout.send_calls}; simulator vs log mismatches: "
        f"{len(seen ^ logged)}"
    )
    print(figures)
    assert not sent_after and later.send_calls == at_logout.send_calls, figures
    assert seen == logged and 3 <= len(logged) < 30, figures


async def any_sent(nc: Client, session: str) -> bool:
    return bool((await sim_sent(nc, session)).sent)
