"""A history sync, built as neonize's own protobuf objects: late messages and contacts."""

from datetime import UTC, datetime

from neonize.aioze.events import HistorySyncEv
from neonize.proto.waCommon.WACommon_pb2 import MessageKey
from neonize.proto.waE2E.WAWebProtobufsE2E_pb2 import FutureProofMessage, Message
from neonize.proto.waHistorySync.WAWebProtobufsHistorySync_pb2 import (
    Conversation,
    HistorySync,
    HistorySyncMsg,
    PhoneNumberToLIDMapping,
    Pushname,
)
from neonize.proto.waWeb.WAWebProtobufsWeb_pb2 import WebMessageInfo

from services.session.adapters.whatsapp.neonize import signals as s
from services.session.adapters.whatsapp.neonize.translate import Context, translate
from services.session.adapters.whatsapp.port import ContactInfo

NOW = datetime(2026, 11, 21, 9, 0, tzinfo=UTC)
OWN = "201000000001:4@s.whatsapp.net"


def web(key: MessageKey, content: Message, ts: int = 1_763_700_000) -> HistorySyncMsg:
    info = WebMessageInfo(key=key, message=content, messageTimestamp=ts, pushName="Mona")
    return HistorySyncMsg(message=info)


def test_history_messages_are_late_and_contacts_are_linked() -> None:
    wrapped = Message(
        ephemeralMessage=FutureProofMessage(message=Message(conversation="disappearing"))
    )
    direct = Conversation(
        ID="201234567890@s.whatsapp.net",
        pnJID="201234567890@s.whatsapp.net",
        lidJID="98765432109876@lid",
        messages=[
            web(MessageKey(remoteJID="201234567890@s.whatsapp.net", ID="A1"), wrapped),
            web(
                MessageKey(remoteJID="201234567890@s.whatsapp.net", fromMe=True, ID="A2"),
                Message(conversation="my reply"),
            ),
        ],
    )
    group = Conversation(
        ID="120363025246125486@g.us",
        messages=[
            web(
                MessageKey(
                    remoteJID="120363025246125486@g.us", ID="G1", participant="98765432109876@lid"
                ),
                Message(conversation="group hello"),
            )
        ],
    )
    data = HistorySync(
        syncType=HistorySync.RECENT,
        conversations=[direct, group],
        pushnames=[Pushname(ID="201555000111@s.whatsapp.net", pushname="Omar")],
        phoneNumberToLidMappings=[
            PhoneNumberToLIDMapping(pnJID="201222000333@s.whatsapp.net", lidJID="11122233344@lid")
        ],
    )
    signals = translate(HistorySyncEv(Data=data), Context(now=NOW, own_jid=OWN))
    contacts = [sig.contact for sig in signals if isinstance(sig, s.ContactLearned)]
    messages = {
        sig.message.message_id: sig.message for sig in signals if isinstance(sig, s.MessageArrived)
    }

    assert contacts == [
        ContactInfo(jid="201222000333@s.whatsapp.net", lid="11122233344@lid"),
        ContactInfo(jid="201555000111@s.whatsapp.net", push_name="Omar"),
        ContactInfo(jid="201234567890@s.whatsapp.net", lid="98765432109876@lid"),
    ]
    assert set(messages) == {"A1", "A2", "G1"}
    assert all(m.is_offline for m in messages.values())
    assert messages["A1"].text == "disappearing"
    assert (messages["A1"].sender_phone_jid, messages["A1"].sender_lid) == (  # both identities
        "201234567890@s.whatsapp.net",
        "98765432109876@lid",
    )
    assert messages["A1"].sent_at == datetime.fromtimestamp(1_763_700_000, UTC)
    assert messages["A2"].from_me and messages["A2"].sender_jid == "201000000001@s.whatsapp.net"
    assert messages["G1"].is_group and messages["G1"].sender_lid == "98765432109876@lid"
    assert messages["G1"].chat_jid == "120363025246125486@g.us"


def test_history_of_plumbing_only_yields_nothing() -> None:
    empty = Conversation(
        ID="201234567890@s.whatsapp.net",
        messages=[web(MessageKey(remoteJID="201234567890@s.whatsapp.net", ID="P1"), Message())],
    )
    assert translate(HistorySyncEv(Data=HistorySync(conversations=[empty])), Context(now=NOW)) == []
