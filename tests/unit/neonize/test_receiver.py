"""The receiver: neonize events in arrival order → the port's calls, with its small state."""

from datetime import UTC, datetime, timedelta
from pathlib import Path

from neonize.aioze.events import (
    ConnectedEv,
    DisconnectedEv,
    GroupInfoEv,
    JoinedGroupEv,
    KeepAliveRestoredEv,
    MessageEv,
    OfflineSyncCompletedEv,
    OfflineSyncPreviewEv,
    PairStatusEv,
    ReceiptEv,
    StreamReplacedEv,
)
from neonize.proto.Neonize_pb2 import (
    JID,
    GroupInfo,
    GroupName,
    GroupParticipant,
    MessageInfo,
    MessageSource,
)
from neonize.proto.waE2E.WAWebProtobufsE2E_pb2 import Message
from structlog.testing import capture_logs

from runtime.logging import get_logger
from services.session.adapters.whatsapp.groups import GroupChange
from services.session.adapters.whatsapp.neonize.receiver import QrCode, QrRanOut, Receiver, RunEnded
from services.session.adapters.whatsapp.neonize.sent_ids import SentIds
from tests.unit.neonize.recording import RecordingEvents

NOW = datetime(2026, 11, 21, 9, 0, tzinfo=UTC)
PHONE = JID(User="201234567890", Server="s.whatsapp.net")
LID = JID(User="98765432109876", Server="lid")


class Harness:
    def __init__(self, tmp_path: Path) -> None:
        self.events = RecordingEvents()
        self.sent = SentIds(tmp_path / "sent.db")
        self.halts = 0
        self.receiver = Receiver(
            events=self.events,
            sent=self.sent,
            log=get_logger("test").bind(tenant="t", session="s"),
            clock=lambda: NOW,
            late_after=timedelta(seconds=60),
            identify=self._identify,
            halt=self._halt,
        )

    async def _identify(self) -> tuple[str, str | None]:
        return "201000000001:4@s.whatsapp.net", "Sales"

    async def _halt(self) -> None:
        self.halts += 1


def text_ev(msg_id: str, text: str) -> MessageEv:
    source = MessageSource(Chat=PHONE, Sender=PHONE, SenderAlt=LID)
    info = MessageInfo(
        MessageSource=source, ID=msg_id, Pushname="Mona", Timestamp=int(NOW.timestamp() * 1000)
    )
    return MessageEv(Info=info, Message=Message(conversation=text))


async def test_qr_codes_expire_like_whatsmeows_and_running_out_ends_the_pairing(
    tmp_path: Path,
) -> None:
    h = Harness(tmp_path)
    await h.receiver.handle(QrCode(code="2@first"))
    await h.receiver.handle(QrCode(code="2@second"))
    await h.receiver.handle(QrRanOut(seen=1))  # a newer code came: not run out
    assert h.events.calls == [
        ("qr", "2@first", NOW + timedelta(seconds=60)),
        ("qr", "2@second", NOW + timedelta(seconds=20)),
    ]
    await h.receiver.handle(QrRanOut(seen=2))
    assert h.events.calls[-1] == ("pairing_failed", "codes_exhausted", "2 codes")
    assert h.halts == 1


async def test_connected_reports_our_identity_then_a_drop_halts_first(tmp_path: Path) -> None:
    h = Harness(tmp_path)
    await h.receiver.handle(ConnectedEv(status=True))
    assert h.events.calls == [("connected", "201000000001:4@s.whatsapp.net", "Sales")]
    assert h.receiver.connected
    await h.receiver.handle(DisconnectedEv(status=True))
    assert h.events.calls[-1] == ("dropped", "network") and h.halts == 1
    await h.receiver.handle(KeepAliveRestoredEv())  # noted only
    assert len(h.events.calls) == 2


async def test_a_failed_run_is_a_connect_failure_and_our_own_stop_is_nothing(
    tmp_path: Path,
) -> None:
    h = Harness(tmp_path)
    await h.receiver.handle(RunEnded(error=None))
    assert h.events.calls == []
    await h.receiver.handle(RunEnded(error="failed to dial whatsapp web websocket"))
    assert h.events.calls == [("dropped", "connect_failure")] and h.halts == 1


async def test_replaced_stream_is_a_logout_and_halts(tmp_path: Path) -> None:
    h = Harness(tmp_path)
    await h.receiver.handle(StreamReplacedEv())
    assert h.events.kinds() == ["logged_out"] and h.events.calls[0][1] == "replaced"
    assert h.halts == 1


async def test_messages_inside_offline_sync_are_late_and_carry_their_contacts(
    tmp_path: Path,
) -> None:
    h = Harness(tmp_path)
    await h.receiver.handle(OfflineSyncPreviewEv(Total=1, Message=1))
    await h.receiver.handle(text_ev("A1", "while you were away"))
    await h.receiver.handle(OfflineSyncCompletedEv(Count=1))
    await h.receiver.handle(text_ev("A2", "live"))
    messages = [call[1] for call in h.events.calls if call[0] == "message"]
    assert [(m.message_id, m.is_offline) for m in messages] == [("A1", True), ("A2", False)]  # type: ignore[attr-defined]
    assert "contact" not in h.events.kinds()  # the sink learns them from the messages


async def test_receipts_name_our_message_ids_and_the_chat_we_sent_to(tmp_path: Path) -> None:
    h = Harness(tmp_path)
    h.sent.record(
        whatsapp_id="3EB0WA1", message_id="ours-1", chat_jid="201234567890@s.whatsapp.net"
    )
    source = MessageSource(Chat=LID, Sender=LID)
    receipt = ReceiptEv(
        MessageSource=source, MessageIDs=["3EB0WA1", "3EB0PHONE"], Type=ReceiptEv.READ
    )
    await h.receiver.handle(receipt)
    assert h.events.calls == [
        ("receipt", "201234567890@s.whatsapp.net", ["ours-1"], "read"),
        ("receipt", "98765432109876@lid", ["3EB0PHONE"], "read"),
    ]


async def test_qr_codes_never_reach_the_logs(tmp_path: Path) -> None:
    with capture_logs() as logs:
        h = Harness(tmp_path)
        await h.receiver.handle(QrCode(code="2@SECRET-QR-PAYLOAD"))
    assert h.events.calls[0][1] == "2@SECRET-QR-PAYLOAD"
    assert logs and "SECRET-QR-PAYLOAD" not in repr(logs)


async def test_a_scanned_qr_series_ending_is_not_a_failure(tmp_path: Path) -> None:
    h = Harness(tmp_path)
    await h.receiver.handle(QrCode(code="2@only"))
    await h.receiver.handle(PairStatusEv(Status=PairStatusEv.SUCCESS, ID=PHONE))
    await h.receiver.handle(QrRanOut(seen=1))
    assert h.events.kinds() == ["qr"] and h.halts == 0


async def test_a_pairing_refused_after_the_scan_ends_the_pairing_as_cancelled(
    tmp_path: Path,
) -> None:
    h = Harness(tmp_path)
    await h.receiver.handle(QrCode(code="2@first"))
    await h.receiver.handle(PairStatusEv(Status=PairStatusEv.ERROR, Error="pairing rejected"))
    assert h.events.calls[-1] == ("pairing_failed", "cancelled", "pairing rejected")
    assert h.halts == 1


async def test_group_events_reach_the_sink_as_changes_in_order(tmp_path: Path) -> None:
    h = Harness(tmp_path)
    group = JID(User="120363025246125486", Server="g.us")
    info = GroupInfo(
        JID=group,
        GroupName=GroupName(Name="Clinic"),
        Participants=[GroupParticipant(JID=PHONE, IsSuperAdmin=True)],
    )
    await h.receiver.handle(ConnectedEv(status=True))
    await h.receiver.handle(JoinedGroupEv(GroupInfo=info, SenderPN=PHONE))
    await h.receiver.handle(GroupInfoEv(JID=group, Sender=PHONE, Leave=[PHONE]))
    joined, left = [call[1] for call in h.events.calls if call[0] == "group"]
    assert isinstance(joined, GroupChange) and isinstance(left, GroupChange)
    assert joined.kind == "joined" and joined.info is not None and joined.info.subject == "Clinic"
    assert (left.kind, left.action, left.participants) == (
        "participants",
        "remove",
        ["201234567890@s.whatsapp.net"],
    )
