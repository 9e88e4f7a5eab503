"""docs/examples/subscriber.py with credentials the gateway issued, on a locked server: it
reads its tenant's events through its own consumer, and another tenant's never reach it."""

from pathlib import Path

import nats

from contracts.envelope import make_event
from contracts.events import SessionCreated
from runtime.eventlog import EventPublisher, ensure_stream
from runtime.nats_auth.credentials import Credentials
from runtime.nats_auth.node import LockedNats
from runtime.nats_auth.permissions import OPERATOR
from services.gateway.adapters.bus_credentials import BusCredentials
from tests.integration.bus.support import Watched, connect_when_accepted, subscriber_creds
from tests.integration.events_cli.test_example_subscriber import example, received, rows, run_until


async def test_the_example_subscriber_reads_its_tenant_with_issued_credentials(
    locked: LockedNats, creds: dict[str, Credentials], tmp_path: Path
) -> None:
    operator = await nats.connect(locked.url, user=OPERATOR, password=creds[OPERATOR].password)
    js = operator.jetstream(timeout=5)
    await ensure_stream(js)
    publisher = EventPublisher(js, timeout=5)
    for event in [received("acme", "s1", 1), received("other", "s9", 9), received("acme", "s2", 2)]:
        await publisher.publish(event)
    await publisher.publish(make_event(SessionCreated(name="x"), tenant="acme", session="s1"))

    gateway = await nats.connect(
        locked.url, user="gateway", password=creds["gateway"].password,
        inbox_prefix=creds["gateway"].inbox_prefix,
    )  # fmt: skip
    issued, password = await (await BusCredentials.open(gateway.jetstream())).issue("acme", "b")
    nc = await connect_when_accepted(locked.url, subscriber_creds(issued, password), Watched())
    db = tmp_path / "inbox.sqlite"
    subscriber = example.Subscriber(
        nc.jetstream(), example.Inbox(str(db)), tenant="acme", durable=issued.user
    )
    await run_until(subscriber, lambda: subscriber.processed == 2)
    assert rows(db) == [("s1", "m1"), ("s2", "m2")]
    for client in (nc, gateway, operator):
        await client.close()
