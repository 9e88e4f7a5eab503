"""A message that could not be decrypted is no longer dropped silently: neonize's
UndecryptableMessage becomes one ``message.undecryptable`` (its address, no content), logged,
through the worker pipe and into the log, with an id stable under redelivery."""

import random
from datetime import UTC, datetime, timedelta
from pathlib import Path

import msgspec
from neonize.events import UndecryptableMessageEv
from neonize.proto.Neonize_pb2 import JID, MessageInfo, MessageSource
from structlog.testing import capture_logs

from contracts.events import MessageUndecryptable
from contracts.events.session import SendPacing
from services.session.adapters.whatsapp.neonize import signals as s
from services.session.adapters.whatsapp.neonize.translate import Context, translate
from services.session.adapters.whatsapp.port import Undecryptable
from services.session.adapters.whatsapp.simulator import SimulatorPort
from services.session.adapters.whatsapp.worker import protocol as p
from services.session.domain.policies import ReconnectPolicy, SendRetryPolicy
from services.session.domain.session import Session
from services.session.service_layer.lifecycle import Lifecycle
from services.session.service_layer.owned_sessions import Deps, OwnedSessions
from services.session.service_layer.sink import ClientSink
from tests.support.memory_log import MemoryLog
from tests.unit.neonize.test_receiver import Harness

NOW = datetime(2026, 11, 21, 9, 0, tzinfo=UTC)
SENT = NOW - timedelta(seconds=3)
PHONE = JID(User="201234567890", Server="s.whatsapp.net")
DEVICE = JID(User="201234567890", Device=3, Server="s.whatsapp.net")
LOST = Undecryptable(
    message_id="3EB0DEAD", chat_jid="201234567890@s.whatsapp.net",
    sender_jid="201234567890@s.whatsapp.net", sent_at=SENT, unavailable=True,
)  # fmt: skip


def lost_ev(from_me: bool = False) -> UndecryptableMessageEv:
    source = MessageSource(Chat=PHONE, Sender=DEVICE, IsFromMe=from_me, IsGroup=False)
    info = MessageInfo(MessageSource=source, ID="3EB0DEAD", Timestamp=int(SENT.timestamp() * 1000))
    return UndecryptableMessageEv(Info=info, IsUnavailable=True)


def test_it_translates_to_its_address_and_no_content() -> None:
    assert translate(lost_ev(), Context(now=NOW)) == [s.NotDecrypted(message=LOST)]
    assert translate(lost_ev(from_me=True), Context(now=NOW)) == []  # our own other device


async def test_the_receiver_reports_and_logs_it(tmp_path: Path) -> None:
    harness = Harness(tmp_path)
    with capture_logs() as logs:
        await harness.receiver.handle(lost_ev())
    assert harness.events.calls == [("undecryptable", LOST)]
    (line,) = [entry for entry in logs if entry["event"] == "neonize.undecryptable"]
    assert line["message_id"] == "3EB0DEAD" and line["sender"] == LOST.sender_jid


def test_it_crosses_the_worker_pipe() -> None:
    frame = p.Event(id=1, client=2, kind="undecryptable", undecryptable=LOST)
    assert p.from_worker.decode(msgspec.msgpack.encode(frame)) == frame


async def test_the_service_appends_one_event_per_message(tmp_path: Path) -> None:
    log = MemoryLog()

    async def no_live(*_: object) -> None:
        return None

    deps = Deps(
        publisher=log, port=SimulatorPort(tmp_path), reconnect=ReconnectPolicy(),
        send_retry=SendRetryPolicy(), pacing=SendPacing(), rand=random.random,
        now=lambda: NOW, publish_live=no_live,
    )  # fmt: skip
    core = OwnedSessions(deps)
    rt = core.adopt(Session(tenant="acme", session="s1", status="connected"))
    sink = ClientSink(Lifecycle(core), rt, rt.generation)
    await sink.on_undecryptable(LOST)
    await sink.on_undecryptable(LOST)  # redelivered: the same event id, deduplicated by the log
    first, again = log.events
    assert first.payload == MessageUndecryptable(
        message_id="3EB0DEAD", chat_jid=LOST.chat_jid, sender_jid=LOST.sender_jid,
        sent_at=SENT, unavailable=True,
    )  # fmt: skip
    assert first.id == again.id and first.type == "message.undecryptable"
