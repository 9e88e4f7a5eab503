"""The simulator's server side lives in files: it survives the process, and de-duplicates."""

from datetime import UTC, datetime
from pathlib import Path

from contracts.simulator import SimSentMessage
from services.session.adapters.whatsapp.port import IncomingMessage
from services.session.adapters.whatsapp.simulator.server import SimServer


def test_sends_are_accepted_once_per_message_id_even_after_a_restart(tmp_path: Path) -> None:
    first = SimServer(tmp_path)
    message = SimSentMessage(message_id="m1", chat_jid="1@s.whatsapp.net", text="hi")
    assert first.accept_send("s1", message)
    assert not first.accept_send("s1", message)
    again = SimServer(tmp_path)  # a new process, same data folder
    assert not again.accept_send("s1", message)
    assert [m.message_id for m in again.sent("s1")] == ["m1"]


def test_paired_devices_and_unacknowledged_messages_survive(tmp_path: Path) -> None:
    server = SimServer(tmp_path)
    device = server.pair("s1", "+201234567890")
    assert device.jid.startswith("201234567890:") and device.phone == "+201234567890"
    for n in (1, 2):
        server.push_incoming(
            "s1",
            IncomingMessage(
                message_id=f"in{n}",
                chat_jid="2@s.whatsapp.net",
                sender_jid="2@s.whatsapp.net",
                sent_at=datetime(2026, 1, 1, tzinfo=UTC),
            ),
        )
    server.ack_incoming("s1", "in1")
    restarted = SimServer(tmp_path)
    assert restarted.device("s1") == device
    assert [m.message_id for m in restarted.undelivered("s1")] == ["in2"]
    restarted.unpair("s1")
    assert SimServer(tmp_path).device("s1") is None
