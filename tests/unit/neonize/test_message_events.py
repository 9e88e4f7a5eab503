"""Message and receipt events, built as neonize's own protobuf objects, translate faithfully."""

from datetime import UTC, datetime, timedelta

from neonize.aioze.events import MessageEv, ReceiptEv
from neonize.proto.Neonize_pb2 import JID, AddressingMode, MessageInfo, MessageSource
from neonize.proto.waE2E.WAWebProtobufsE2E_pb2 import (
    AudioMessage,
    ContactMessage,
    DocumentMessage,
    ExtendedTextMessage,
    ImageMessage,
    LocationMessage,
    Message,
    ProtocolMessage,
    StickerMessage,
    VideoMessage,
)

from services.session.adapters.whatsapp.neonize import signals as s
from services.session.adapters.whatsapp.neonize.translate import Context, translate
from services.session.adapters.whatsapp.port import ContactInfo, IncomingMessage

NOW = datetime(2026, 11, 21, 9, 0, tzinfo=UTC)
SENT_MS = int((NOW - timedelta(seconds=5)).timestamp() * 1000)
PHONE = JID(User="201234567890", Server="s.whatsapp.net")
PHONE_DEVICE = JID(User="201234567890", Device=7, Server="s.whatsapp.net")
LID = JID(User="98765432109876", Server="lid")
LID_DEVICE = JID(User="98765432109876", Device=7, Server="lid")
GROUP = JID(User="120363025246125486", Server="g.us")
EMPTY = JID(IsEmpty=True)


def message_ev(
    source: MessageSource,
    content: Message,
    *,
    msg_id: str = "3EB0A1B2C3D4E5F6",
    push_name: str = "Mona",
    ts: int = SENT_MS,
    unavailable: str = "",
) -> MessageEv:
    info = MessageInfo(MessageSource=source, ID=msg_id, Pushname=push_name, Timestamp=ts)
    return MessageEv(Info=info, Message=content, UnavailableRequestID=unavailable)


def direct(sender: JID = PHONE_DEVICE, alt: JID = EMPTY, chat: JID = PHONE) -> MessageSource:
    return MessageSource(Chat=chat, Sender=sender, SenderAlt=alt, IsFromMe=False, IsGroup=False)


def arrived(ev: MessageEv, **ctx: object) -> IncomingMessage:
    signals = translate(ev, Context(now=NOW, **ctx))  # type: ignore[arg-type]
    messages = [sig.message for sig in signals if isinstance(sig, s.MessageArrived)]
    assert len(messages) == 1, signals
    return messages[0]


def test_text_from_a_phone_jid() -> None:
    signals = translate(message_ev(direct(), Message(conversation="hello")), Context(now=NOW))
    assert signals[0] == s.MessageArrived(
        message=IncomingMessage(
            message_id="3EB0A1B2C3D4E5F6",
            chat_jid="201234567890@s.whatsapp.net",
            sender_jid="201234567890@s.whatsapp.net",
            sender_phone_jid="201234567890@s.whatsapp.net",
            push_name="Mona",
            text="hello",
            sent_at=datetime.fromtimestamp(SENT_MS / 1000, UTC),
        )
    )
    assert len(signals) == 1  # its sender's contact is learned from it, by the session's sink


def test_lid_sender_with_its_phone_jid_alongside() -> None:
    source = direct(sender=LID_DEVICE, alt=PHONE_DEVICE, chat=JID(User=LID.User, Server="lid"))
    source.AddressingMode = AddressingMode.LID
    ev = message_ev(source, Message(extendedTextMessage=ExtendedTextMessage(text="from lid")))
    signals = translate(ev, Context(now=NOW))
    message = signals[0].message  # type: ignore[union-attr]
    assert message.sender_jid == "98765432109876@lid"
    assert message.chat_jid == "98765432109876@lid"
    assert message.sender_lid == "98765432109876@lid"
    assert message.sender_phone_jid == "201234567890@s.whatsapp.net"
    assert message.text == "from lid" and message.push_name == "Mona"
    assert len(signals) == 1


def test_group_message_names_group_and_participant() -> None:
    source = MessageSource(Chat=GROUP, Sender=LID_DEVICE, SenderAlt=PHONE, IsGroup=True)
    message = arrived(message_ev(source, Message(conversation="hi all")))
    assert message.is_group and message.chat_jid == "120363025246125486@g.us"
    assert message.sender_jid == "98765432109876@lid"
    assert message.sender_phone_jid == "201234567890@s.whatsapp.net"


def test_own_message_from_another_device_is_from_me_and_teaches_no_contact() -> None:
    source = MessageSource(Chat=PHONE, Sender=JID(User="201000000001", Server="s.whatsapp.net"))
    source.IsFromMe = True
    signals = translate(
        message_ev(source, Message(conversation="sent from phone")), Context(now=NOW)
    )
    assert len(signals) == 1 and signals[0].message.from_me  # type: ignore[union-attr]


def test_late_messages_are_flagged_never_dropped() -> None:
    during_sync = message_ev(direct(), Message(conversation="while offline"))
    assert arrived(during_sync, in_offline_sync=True).is_offline
    old_ms = int((NOW - timedelta(hours=3)).timestamp() * 1000)
    old = arrived(message_ev(direct(), Message(conversation="old"), ts=old_ms))
    assert old.is_offline and old.sent_at == NOW - timedelta(hours=3)
    requested = message_ev(direct(), Message(conversation="re-sent"), unavailable="REQ1")
    assert arrived(requested).is_offline
    assert not arrived(message_ev(direct(), Message(conversation="fresh"))).is_offline


def test_media_kinds_and_captions() -> None:
    cases: list[tuple[Message, str, str | None]] = [
        (Message(imageMessage=ImageMessage(caption="look")), "image", "look"),
        (Message(videoMessage=VideoMessage()), "video", None),
        (Message(audioMessage=AudioMessage(PTT=True)), "voice", None),
        (Message(documentMessage=DocumentMessage(fileName="a.pdf")), "document", None),
        (Message(stickerMessage=StickerMessage()), "sticker", None),
        (Message(locationMessage=LocationMessage(degreesLatitude=30.0)), "location", None),
        (Message(contactMessage=ContactMessage(displayName="Ali")), "contact", None),
    ]
    for content, kind, text in cases:
        message = arrived(message_ev(direct(), content))
        assert (message.media_kind, message.text) == (kind, text)


def test_plumbing_is_not_a_message_but_its_sender_still_teaches_a_contact() -> None:
    protocol = Message(protocolMessage=ProtocolMessage(type=ProtocolMessage.REVOKE))
    signals = translate(message_ev(direct(), protocol), Context(now=NOW))
    assert signals == [
        s.ContactLearned(contact=ContactInfo(jid="201234567890@s.whatsapp.net", push_name="Mona"))
    ]


def receipt(kind: int, *, from_me: bool = False) -> ReceiptEv:
    source = MessageSource(Chat=PHONE, Sender=PHONE_DEVICE, IsFromMe=from_me)
    return ReceiptEv(MessageSource=source, MessageIDs=["3EB0AA", "3EB0BB"], Type=kind)


def test_each_receipt_type() -> None:
    for kind, status in (
        (ReceiptEv.DELIVERED, "delivered"),
        (ReceiptEv.READ, "read"),
        (ReceiptEv.PLAYED, "played"),
    ):
        assert translate(receipt(kind), Context(now=NOW)) == [
            s.ReceiptArrived(
                chat_jid="201234567890@s.whatsapp.net",
                whatsapp_ids=["3EB0AA", "3EB0BB"],
                status=status,  # type: ignore[arg-type]
            )
        ]


def test_receipts_that_are_not_about_our_sends_are_ignored() -> None:
    for kind in (ReceiptEv.READ_SELF, ReceiptEv.PLAYED_SELF, ReceiptEv.RETRY, ReceiptEv.SENDER):
        assert translate(receipt(kind), Context(now=NOW)) == []
    assert translate(receipt(ReceiptEv.READ, from_me=True), Context(now=NOW)) == []
    untyped = ReceiptEv(MessageSource=direct(), MessageIDs=["X"])
    assert translate(untyped, Context(now=NOW)) == []
