"""What the fault tests share: a fast stack, the event log read directly, the simulator over
NATS, and the store as the gateway answers it."""

import asyncio
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import aiohttp
import msgspec
from nats.aio.client import Client
from nats.errors import TimeoutError as NatsTimeout
from nats.js.api import ConsumerConfig, DeliverPolicy

from cli.stack import LocalStack
from contracts.codec import decode_event
from contracts.envelope import Envelope
from contracts.simulator import SimReply, SimScan, SimSent, SimSentReply
from contracts.subjects import EVENTS_STREAM, event_filter, sim_subject
from tests.support.http import Api
from tests.support.stacks import running_stack
from tests.support.waiting import eventually

PHONE = "+201234567890"
PEER = "+201000000001"
MAX_RECONNECTS = 3  # the reconnect policy of the shared quiet stack (conftest.py)
FAST = {
    "PATH": "/usr/bin:/bin",
    "WA_LOG_FORMAT": "json",
    "WA_LOG_LEVEL": "warning",
    "WA_SEND_PER_MINUTE": "6000",
    "WA_SEND_BURST": "50",
    "WA_SEND_MIN_SPACING_S": "0",
    "WA_SEND_JITTER_S": "0",
    "WA_SEND_RETRY_BASE_S": "0.05",
    "WA_SEND_RETRY_CAP_S": "0.2",
    "WA_RECONNECT_BASE_S": "0.05",
    "WA_RECONNECT_CAP_S": "0.2",
    "WA_LEASE_TTL_S": "4",
    "WA_REQUEST_TIMEOUT_S": "3",
    "WA_REMINDER_MIN_SPACING_S": "0.02",
    "WA_REMINDER_JITTER_S": "0",
    "WA_REMINDER_PER_MINUTE": "6000",
    "WA_REMINDER_BACKOFF_BASE_S": "0.3",
    "WA_REMINDER_BACKOFF_MAX_S": "1",
    # Retries that outlast a killed session service's restart even on a loaded machine (it
    # took 6 s there, and five quick attempts gave up in about 3): about 30 s of them.
    "WA_REMINDER_MAX_ATTEMPTS": "40",
    "WA_REMINDER_LEASE_TTL_S": "3",
}
_encoder = msgspec.json.Encoder()


# What a mixed-load round needs: one client sends many requests, webhooks go to loopback.
MIXED_LOAD = {"WA_GATEWAY_RATE_PER_S": "0", "WA_WEBHOOK_ALLOW_PRIVATE_TARGETS": "true"}


@asynccontextmanager
async def running(
    data_dir: Path, env: Mapping[str, str], *, supervise: bool = False
) -> AsyncIterator[LocalStack]:
    async with running_stack(data_dir, {**FAST, **env}, supervise=supervise, timeout=90) as stack:
        yield stack


async def sim_client(stack: LocalStack) -> Client:
    return await stack.connect_operator(max_reconnect_attempts=-1)


async def sim(nc: Client, verb: str, request: msgspec.Struct) -> SimReply:
    msg = await nc.request(sim_subject(verb), _encoder.encode(request), timeout=10)
    return msgspec.json.decode(msg.data, type=SimReply)


async def sim_until_ok(nc: Client, verb: str, request: msgspec.Struct) -> int:
    """Repeat a simulator verb until it is answered ok (the session service may be down);
    the number of tries."""
    tries = 0
    while True:
        tries += 1
        try:
            if (await sim(nc, verb, request)).ok:
                return tries
        except Exception:
            pass
        await asyncio.sleep(0.1)


async def sim_sent(nc: Client, session: str) -> SimSentReply:
    msg = await nc.request(sim_subject("sent"), _encoder.encode(SimSent(session=session)), 10)
    return msgspec.json.decode(msg.data, type=SimSentReply)


async def log_events(
    nc: Client, session: str = "*", tenant: str = "*"
) -> list[tuple[int, Envelope]]:
    """Every event of the log (or of one tenant or session), with its stream sequence."""
    js = nc.jetstream()
    sub = await js.pull_subscribe(
        event_filter(tenant=tenant, session=session),
        stream=EVENTS_STREAM,
        config=ConsumerConfig(deliver_policy=DeliverPolicy.ALL),
    )
    found: list[tuple[int, Envelope]] = []
    try:
        while True:
            try:
                msgs = await sub.fetch(1000, timeout=0.5)
            except (NatsTimeout, TimeoutError):
                break
            found += [(m.metadata.sequence.stream, decode_event(m.data)) for m in msgs]
    finally:
        await sub.unsubscribe()
    return found


async def stream_count(nc: Client) -> int:
    info = await nc.jetstream().stream_info(EVENTS_STREAM)
    return int(info.state.messages)


async def http_admin(stack: LocalStack) -> AsyncIterator[Api]:
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=15)) as http:
        yield Api(http, stack.url, stack.admin_token)


async def new_tenant(admin: Api, name: str) -> Api:
    status, body = await admin.call("POST", "/v1/tenants", json={"name": name})
    assert status == 201, body
    return admin.as_key(body["api_key"])


async def connected_session(api: Api, nc: Client, name: str = "Sales") -> str:
    status, body = await api.call("POST", "/v1/sessions", json={"name": name})
    assert status == 201, body
    session = str(body["id"])
    status, body = await api.call("POST", f"/v1/sessions/{session}/pair", json={"method": "qr"})
    assert status == 202, body
    assert (await sim(nc, "scan", SimScan(session=session, phone=PHONE))).ok
    await eventually(lambda: session_status(api, session, "connected"), timeout=20)
    return session


async def session_status(api: Api, session: str, wanted: str) -> bool:
    try:
        status, body = await api.call("GET", f"/v1/sessions/{session}")
    except aiohttp.ClientError:
        return False
    return status == 200 and body["status"] == wanted


async def store_messages(api: Api, session: str) -> list[dict[str, Any]]:
    """Every message of the session as the store answers it (through the gateway)."""
    items: list[dict[str, Any]] = []
    path = f"/v1/sessions/{session}/messages?limit=200"
    while True:
        status, body = await api.call("GET", path)
        assert status == 200, body
        items += body["items"]
        if not body.get("next_cursor"):
            return items
        path = f"/v1/sessions/{session}/messages?limit=200&cursor={body['next_cursor']}"


def due_in(seconds: float) -> str:
    return (datetime.now(UTC) + timedelta(seconds=seconds)).isoformat()


async def gateway_ready(stack: LocalStack) -> bool:
    try:
        async with aiohttp.ClientSession() as http, http.get(stack.url + "/readyz") as resp:
            return resp.status == 200
    except aiohttp.ClientError:
        return False
