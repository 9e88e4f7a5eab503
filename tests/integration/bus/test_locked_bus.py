"""The bus is locked: nobody connects anonymously, no service can mint an API key, and a
tenant's subscriber reads its own events and nothing else, until it is revoked. Against one
real nats-server and against a real 3-node cluster."""

import hashlib
from functools import partial

import pytest
from nats.aio.client import Client
from nats.js.api import ConsumerConfig

from contracts.subjects import EVENTS_STREAM, event_filter, event_subject, live_subject
from runtime.eventlog import ensure_stream
from runtime.nats_auth.credentials import Credentials
from runtime.nats_auth.node import LockedNats
from runtime.nats_auth.permissions import OPERATOR
from services.gateway.adapters.bus_credentials import BusCredentials
from services.gateway.adapters.tenants import TenantRegistry
from tests.integration.bus.support import (
    Watched,
    connect_when_accepted,
    read_own_events,
    subscriber_creds,
)
from tests.support.nats_refusal import Handshake, connect_answer, refused
from tests.support.waiting import eventually

pytestmark = pytest.mark.timeout(120)


@pytest.fixture(params=["single", "cluster"])
def servers(
    request: pytest.FixtureRequest,
) -> list[LockedNats]:
    if request.param == "single":
        return [request.getfixturevalue("locked")]
    return list(request.getfixturevalue("locked_cluster"))


async def _as(servers: list[LockedNats], creds: Credentials, node: int = 0) -> Watched:
    watched = Watched()
    await watched.connect(servers[node].url, creds)
    return watched


async def _with_events(servers: list[LockedNats], creds: dict[str, Credentials]) -> Client:
    operator = (await _as(servers, creds[OPERATOR])).nc
    assert operator is not None
    js = operator.jetstream(timeout=10)

    async def created() -> bool:
        try:  # a request sent before the leader is elected gets no answer: ask again soon
            await ensure_stream(operator.jetstream(timeout=2), replicas=len(servers))
        except Exception:  # a new cluster elects its JetStream leader first
            return False
        return True

    await eventually(created, timeout=30, interval=0.1)
    for tenant in ("t1", "t2"):
        await js.publish(event_subject(tenant, "s1", "message.received"), tenant.encode())
    return operator


async def test_anonymous_and_wrong_password_are_refused(
    servers: list[LockedNats], creds: dict[str, Credentials]
) -> None:
    for server in servers:
        assert await refused(server.url)
        assert await refused(server.url, user="gateway", password="guess")
        gateway = creds["gateway"]  # and the same way, a known user is let in
        assert await connect_answer(server.url, gateway.user, gateway.password) == "+OK"


async def test_catching_up_with_nothing_new_does_not_reload(
    locked: LockedNats, creds: dict[str, Credentials]
) -> None:
    """A reload cuts off every client between INFO and CONNECT (the server re-checks it, and
    it has no user yet): the agent's catch-up at start, which finds the bucket empty, must
    not reload. A credential issued afterwards does."""
    handshake = await Handshake.open(locked.url)  # likely before the agent catches up
    try:

        async def caught_up() -> bool:
            return locked.agent.checked >= 1

        await eventually(caught_up, timeout=30)
        assert locked.agent.applied == 0
        gateway = creds["gateway"]
        answer = await handshake.connect(gateway.user, gateway.password)
        # not cut off by a reload; a catch-up slower than the server's auth timeout (2 s)
        # would have ended the handshake by itself, which is no reload's doing
        assert answer == "+OK" or "Authentication Timeout" in answer, answer
    finally:
        await handshake.close()
    nc = (await _as([locked], creds["gateway"])).nc
    assert nc is not None
    bucket = await BusCredentials.open(nc.jetstream(timeout=10))
    await bucket.issue("t1", "crm team")

    async def reloaded() -> bool:
        return locked.agent.applied == 1

    await eventually(reloaded, timeout=30)


async def test_only_the_gateway_can_write_api_keys(
    servers: list[LockedNats], creds: dict[str, Credentials]
) -> None:
    await _with_events(servers, creds)
    gateway = (await _as(servers, creds["gateway"])).nc
    assert gateway is not None
    registry = await TenantRegistry.open(gateway.jetstream(timeout=10))
    minted = hashlib.sha256(b"wa_attacker").hexdigest()
    for user in ("store", "session", "reminder", "webhooks", "bus-agent"):
        attacker = await _as(servers, creds[user], node=len(servers) - 1)
        nc = attacker.nc
        assert nc is not None
        js = nc.jetstream(timeout=2)
        await attacker.refused(partial(js.key_value, "wa_api_keys"), "kv_wa_api_keys")
        put = partial(nc.publish, f"$KV.wa_api_keys.{minted}", b"t1")
        await attacker.refused(put, f"$kv.wa_api_keys.{minted}")
        await nc.close()
    assert await registry.tenant_of_key("wa_attacker") is None


async def test_a_tenant_subscriber_reads_its_own_events_and_nothing_else(
    servers: list[LockedNats], creds: dict[str, Credentials]
) -> None:
    await _with_events(servers, creds)
    gateway = (await _as(servers, creds["gateway"])).nc
    assert gateway is not None
    issued, password = await (await BusCredentials.open(gateway.jetstream(timeout=10))).issue(
        "t1", "crm team"
    )
    reader = Watched()
    nc = await connect_when_accepted(servers[-1].url, subscriber_creds(issued, password), reader)
    assert await read_own_events(nc, issued.user, "t1", 1) == [b"t1"]

    js = nc.jetstream(timeout=2)
    other = ConsumerConfig(name=issued.user, filter_subject=event_filter(tenant="t2"))
    await reader.refused(
        lambda: js.add_consumer(EVENTS_STREAM, other),
        f"consumer.create.wa_events.{issued.user}.wa.evt.t2",
    )
    anyone = ConsumerConfig(name="store", filter_subject=event_filter(tenant="t1"))
    await reader.refused(
        lambda: js.add_consumer(EVENTS_STREAM, anyone), "consumer.create.wa_events.store"
    )
    subject = event_subject("t1", "s1", "message.received")
    await reader.refused(lambda: nc.publish(subject, b"forged"), subject)
    await reader.refused(lambda: nc.subscribe("wa.evt.>"), "wa.evt.>")
    await reader.refused(lambda: nc.subscribe(live_subject("t1", "s1", "qr")), "wa.live.t1")
    await reader.refused(lambda: js.key_value("wa_api_keys"), "kv_wa_api_keys")
    await reader.refused(lambda: nc.request("wa.cmd.session.t1.s1", b"{}"), "wa.cmd.session")
    await nc.close()


async def test_a_revoked_subscriber_is_cut_off(
    servers: list[LockedNats], creds: dict[str, Credentials]
) -> None:
    await _with_events(servers, creds)
    gateway = (await _as(servers, creds["gateway"])).nc
    assert gateway is not None
    registry = await BusCredentials.open(gateway.jetstream(timeout=10))
    issued, password = await registry.issue("t1", "crm team")
    kept, kept_password = await registry.issue("t1", "billing")
    reader, other = Watched(), Watched()
    nc = await connect_when_accepted(servers[-1].url, subscriber_creds(issued, password), reader)
    await read_own_events(nc, issued.user, "t1", 1)
    still = await connect_when_accepted(
        servers[0].url, subscriber_creds(kept, kept_password), other
    )

    assert await registry.revoke("t1", issued.id)
    await _closed(reader)
    assert await refused(servers[-1].url, user=issued.user, password=password)
    assert still.is_connected and not other.closed.is_set()
    assert [c.id for c in await registry.of_tenant("t1")] == [kept.id]
    assert await registry.revoke("t2", kept.id) is False  # another tenant's: not found


async def _closed(watched: Watched) -> None:
    async def gone() -> bool:
        return watched.nc is not None and not watched.nc.is_connected

    await eventually(gone, timeout=15)
