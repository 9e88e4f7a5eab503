"""An example subscriber for another team: every ``message.received`` of one tenant, on its own
durable JetStream consumer, processed idempotently (a redelivered event changes nothing).

It connects with tenant-scoped credentials (``POST /v1/bus-credentials``): their user may
read only its tenant's events, through one consumer named after the user. Needs only
``wa-contracts`` and ``nats-py``::

    WA_BUS_PASSWORD=nats_… python subscriber.py --nats-url nats://127.0.0.1:14222 \
        --user sub-… --tenant <tenant id> --db inbox.sqlite
"""

import argparse
import asyncio
import os
import signal
import sqlite3
from typing import Any

import nats
from nats.js.api import AckPolicy, ConsumerConfig, DeliverPolicy
from nats.js.errors import NotFoundError

from contracts.codec import DecodeError, decode_event
from contracts.envelope import Envelope
from contracts.events import MessageReceived
from contracts.subjects import EVENTS_STREAM, event_filter

SCHEMA = """
CREATE TABLE IF NOT EXISTS processed (event_id TEXT PRIMARY KEY, stream_seq INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS messages (
    session TEXT, message_id TEXT, sender TEXT, text TEXT, PRIMARY KEY (session, message_id)
);
"""


class Inbox:
    """This team's own table, and the ids of the events already processed, in one database."""

    def __init__(self, path: str) -> None:
        self.db = sqlite3.connect(path)
        self.db.executescript(SCHEMA)

    def process(self, seq: int, event: Envelope) -> bool:
        """Apply the effect and remember the event id in one transaction; False if seen before."""
        with self.db:
            seen = self.db.execute(
                "INSERT OR IGNORE INTO processed VALUES (?, ?)", (event.id, seq)
            ).rowcount == 0  # fmt: skip
            if not seen and isinstance(msg := event.payload, MessageReceived):
                self.db.execute(
                    "INSERT INTO messages VALUES (?, ?, ?, ?)",
                    (event.session, msg.message_id, msg.sender_jid, msg.text),
                )
        return not seen


class Subscriber:
    """Pulls from a durable consumer; acknowledges each event only after it is processed."""

    def __init__(self, js: Any, inbox: Inbox, *, tenant: str, durable: str, ack_wait: float = 30):
        self.js, self.inbox, self.durable = js, inbox, durable
        self.config = ConsumerConfig(
            name=durable,  # a named create: its subject carries the filter the server checks
            durable_name=durable,
            filter_subject=event_filter(tenant=tenant, event_type="message.received"),
            deliver_policy=DeliverPolicy.ALL,
            ack_policy=AckPolicy.EXPLICIT,
            ack_wait=ack_wait,
        )
        self.processed = self.duplicates = 0

    async def run(self, stop: asyncio.Event) -> None:
        try:
            await self.js.consumer_info(EVENTS_STREAM, self.durable)
        except NotFoundError:  # first start: from the beginning of the log
            await self.js.add_consumer(EVENTS_STREAM, self.config)
        sub = await self.js.pull_subscribe_bind(durable=self.durable, stream=EVENTS_STREAM)
        while not stop.is_set():
            try:
                msgs = await sub.fetch(100, timeout=0.5)
            except TimeoutError:  # nats-py raises its own subclass, or a bare one
                continue
            for msg in msgs:
                try:
                    event = decode_event(msg.data)
                except DecodeError:
                    await msg.term()  # never decodable: do not redeliver it
                    continue
                if self.inbox.process(msg.metadata.sequence.stream, event):
                    self.processed += 1
                else:
                    self.duplicates += 1
                await self.ack(msg)
        await sub.unsubscribe()

    async def ack(self, msg: Any) -> None:
        await msg.ack()


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--nats-url", default="nats://127.0.0.1:14222")
    parser.add_argument("--user", required=True, help="the credential's user (and consumer)")
    parser.add_argument("--tenant", required=True)
    parser.add_argument("--db", default="inbox.sqlite")
    args = parser.parse_args()
    nc = await nats.connect(
        args.nats_url,
        user=args.user,
        password=os.environ["WA_BUS_PASSWORD"],  # not an argument: it would show in `ps`
        inbox_prefix=f"_INBOX_{args.user}",  # the only inbox these credentials may read
    )
    stop = asyncio.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        asyncio.get_running_loop().add_signal_handler(sig, stop.set)
    subscriber = Subscriber(nc.jetstream(), Inbox(args.db), tenant=args.tenant, durable=args.user)
    await subscriber.run(stop)
    print(f"processed {subscriber.processed}, skipped {subscriber.duplicates} duplicates")
    await nc.drain()


if __name__ == "__main__":
    asyncio.run(main())
