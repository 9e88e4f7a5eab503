"""Replies, locations, contact cards, reactions, edits and revokes, as neonize's own protobuf
objects: received ones translate faithfully, and what we send is built as WhatsApp expects
(and reads back as what we meant)."""

from pathlib import Path

from neonize.aioze.events import MessageEv
from neonize.proto.Neonize_pb2 import JID, MessageInfo, MessageSource
from neonize.proto.waCommon.WACommon_pb2 import MessageKey
from neonize.proto.waE2E.WAWebProtobufsE2E_pb2 import (
    ContactMessage,
    ContextInfo,
    ExtendedTextMessage,
    FutureProofMessage,
    ImageMessage,
    LocationMessage,
    Message,
    ProtocolMessage,
    ReactionMessage,
)

from contracts.conversation import ContactCard, Edit, Location, Quote, React, Revoke
from services.session.adapters.whatsapp.neonize import outgoing as out
from services.session.adapters.whatsapp.neonize.conversation_in import contact_of, location_of
from tests.unit.neonize.recording import RecordingEvents
from tests.unit.neonize.test_message_events import PHONE, SENT_MS, arrived, direct, message_ev
from tests.unit.neonize.test_receiver import NOW, Harness

CHAT = "201234567890@s.whatsapp.net"
ME = "201000000001@s.whatsapp.net"
__all__ = ["NOW", "RecordingEvents"]


def key(message_id: str) -> MessageKey:
    return MessageKey(remoteJID=CHAT, fromMe=False, ID=message_id)


def test_a_reaction_and_its_removal_name_the_message_reacted_to() -> None:
    reacted = Message(reactionMessage=ReactionMessage(key=key("3EB0AA"), text="👍",
                                                      senderTimestampMS=SENT_MS))  # fmt: skip
    message = arrived(message_ev(direct(), reacted, msg_id="3EB0R1"))
    assert (message.message_id, message.target_id, message.action) == (
        "3EB0R1",
        "3EB0AA",
        React(emoji="👍"),
    )
    assert message.chat_jid == CHAT and message.text is None
    removed = Message(reactionMessage=ReactionMessage(key=key("3EB0AA"), text=""))
    assert arrived(message_ev(direct(), removed)).action == React(emoji="")


def test_a_revoke_and_an_edit_are_protocol_messages_about_another_one() -> None:
    revoke = ProtocolMessage(type=ProtocolMessage.REVOKE, key=key("3EB0AA"))
    message = arrived(message_ev(direct(), Message(protocolMessage=revoke)))
    assert (message.target_id, message.action) == ("3EB0AA", Revoke())
    edit = ProtocolMessage(type=ProtocolMessage.MESSAGE_EDIT, key=key("3EB0BB"),
                           editedMessage=Message(conversation="fixed"))  # fmt: skip
    message = arrived(message_ev(direct(), Message(protocolMessage=edit)))
    assert (message.target_id, message.action) == ("3EB0BB", Edit(text="fixed"))
    captioned = ProtocolMessage(
        type=ProtocolMessage.MESSAGE_EDIT,
        key=key("3EB0CC"),
        editedMessage=Message(imageMessage=ImageMessage(caption="new")),
    )
    wrapped = Message(editedMessage=FutureProofMessage(message=Message(protocolMessage=captioned)))
    assert arrived(message_ev(direct(), wrapped)).action == Edit(text="new")  # fmt: skip


def test_a_quoted_reply_a_location_and_a_contact_card() -> None:
    quoting = ContextInfo(stanzaID="3EB0AA", participant=CHAT)
    reply = Message(extendedTextMessage=ExtendedTextMessage(text="yes", contextInfo=quoting))
    message = arrived(message_ev(direct(), reply))
    assert (message.text, message.reply_to) == ("yes", "3EB0AA")
    photo = Message(imageMessage=ImageMessage(caption="this", contextInfo=quoting))
    assert arrived(message_ev(direct(), photo)).reply_to == "3EB0AA"
    pin = LocationMessage(degreesLatitude=30.0444, degreesLongitude=31.2357, name="Tahrir",
                          address="Cairo")  # fmt: skip
    message = arrived(message_ev(direct(), Message(locationMessage=pin)))
    assert message.media_kind == "location" and message.reply_to is None
    assert message.location == Location(latitude=30.0444, longitude=31.2357, name="Tahrir",
                                        address="Cairo")  # fmt: skip
    tel = "TEL;type=CELL;waid=201000000003:+20 100 000 0003"
    vcard = f"BEGIN:VCARD\nVERSION:3.0\nFN:Ali\n{tel}\nEND:VCARD"
    card = Message(contactMessage=ContactMessage(displayName="Ali", vcard=vcard))
    message = arrived(message_ev(direct(), card))
    assert message.contact == ContactCard(name="Ali", phone="+20 100 000 0003", vcard=vcard)
    assert message.media_kind == "contact"


def test_what_we_send_is_built_as_whatsapp_expects_and_reads_back() -> None:
    quote = Quote(message_id="in1", sender_jid=CHAT, text="where?")
    context = out.quoted(quote, "3EB0AA", ME)
    assert context is not None
    assert (context.stanzaID, context.participant) == ("3EB0AA", CHAT)
    assert context.quotedMessage.conversation == "where?"
    assert out.quoted(Quote(message_id="o1", from_me=True), "3EB0BB", ME).participant == ME  # type: ignore[union-attr]
    assert out.text_message("hi", None) == Message(conversation="hi")
    reply = out.text_message("here", context)
    assert reply.extendedTextMessage.text == "here"
    assert reply.extendedTextMessage.contextInfo.stanzaID == "3EB0AA"
    place = Location(latitude=30.0444, longitude=31.2357, name="Tahrir")
    built = out.card_message(place, context)
    assert location_of(built) == place and built.locationMessage.contextInfo.stanzaID == "3EB0AA"
    card = out.card_message(ContactCard(name="Mona", phone="+201000000009"), None)
    assert card.contactMessage.displayName == "Mona"
    assert "waid=201000000009" in card.contactMessage.vcard
    assert contact_of(card) == ContactCard(name="Mona", phone="+201000000009",
                                           vcard=card.contactMessage.vcard)  # fmt: skip
    chat = JID(User="201234567890", Server="s.whatsapp.net")
    edit = out.edit_message(chat, "3EB0CC", "fixed").editedMessage.message.protocolMessage
    assert (edit.type, edit.key.ID, edit.key.fromMe) == (
        ProtocolMessage.MESSAGE_EDIT,
        "3EB0CC",
        True,
    )
    assert edit.editedMessage.conversation == "fixed"
    me = JID(User="201000000001", Server="s.whatsapp.net")
    revoke = out.revoke_message(chat, me, "3EB0DD", me).protocolMessage
    assert (revoke.type, revoke.key.ID, revoke.key.fromMe) == (
        ProtocolMessage.REVOKE,
        "3EB0DD",
        True,
    )


async def test_a_reaction_to_a_message_we_sent_names_it_by_our_id(tmp_path: Path) -> None:
    h = Harness(tmp_path)
    h.sent.record(whatsapp_id="3EB0WA", message_id="our-1", chat_jid=CHAT)
    source = MessageSource(Chat=PHONE, Sender=PHONE)
    info = MessageInfo(MessageSource=source, ID="3EB0R2", Timestamp=SENT_MS)
    reacted = Message(reactionMessage=ReactionMessage(key=key("3EB0WA"), text="❤️"))
    await h.receiver.handle(MessageEv(Info=info, Message=reacted))
    messages = [c[1] for c in h.events.calls if c[0] == "message"]
    assert [(m.target_id, m.action) for m in messages] == [("our-1", React(emoji="❤️"))]  # type: ignore[attr-defined]


def test_the_worker_pipe_carries_cards_quotes_and_actions() -> None:
    from contracts.conversation import MessageRef
    from services.session.adapters.whatsapp.worker import protocol as p

    target = MessageRef(message_id="in1", chat_jid=CHAT, sender_jid=CHAT)
    calls = [
        p.Call(id=1, client=1, op="send_card", chat_jid=CHAT, message_id="m1",
               location=Location(latitude=1.0, longitude=2.0), quote=Quote(message_id="in1")),
        p.Call(id=2, client=1, op="send_action", message_id="m2", target=target,
               action=Edit(text="x")),
    ]  # fmt: skip
    for call in calls:
        assert p.to_worker.decode(p._encoder.encode(call)) == call
