"""A file sent as a reply through neonize: the quote rides in the ContextInfo of the file's own
message (as WhatsApp expects), by the same one send path as every other kind."""

from pathlib import Path

from neonize.proto.Neonize_pb2 import JID, Device

from contracts.conversation import Quote
from tests.unit.neonize.fake_neo import RecordingNeo
from tests.unit.neonize.test_sent_media import TO, connected_client, outgoing


class MeNeo(RecordingNeo):
    """Also knows who we are (a reply to our own message names us as its author)."""

    async def get_me(self) -> Device:  # type: ignore[override]
        return Device(JID=JID(User="201000000001", Server="s.whatsapp.net", Device=3))


async def test_a_file_sent_as_a_reply_quotes_in_its_own_context(tmp_path: Path) -> None:
    neo = MeNeo()
    client = connected_client(tmp_path, neo)
    quote = Quote(message_id="in1", sender_jid=TO, text="the menu?")
    media = outgoing(tmp_path, "image", b"x", "image/jpeg", caption="here")
    await client.send_media(chat_jid=TO, media=media, message_id="m1", quote=quote)
    document = outgoing(tmp_path, "document", b"%PDF", "application/pdf", filename="r.pdf")
    ours = Quote(message_id="m1", from_me=True, text="here")
    await client.send_media(chat_jid=TO, media=document, message_id="m2", quote=ours)
    (_, image), (_, doc) = neo.sent
    context = image.imageMessage.contextInfo
    assert (context.stanzaID, context.participant) == ("in1", TO)
    assert context.quotedMessage.conversation == "the menu?"
    context = doc.documentMessage.contextInfo  # our own message: by its WhatsApp id, and us
    assert (context.stanzaID, context.participant) == ("WA1", "201000000001@s.whatsapp.net")
    await client.send_media(chat_jid=TO, media=media, message_id="m3")
    assert not neo.sent[-1][1].imageMessage.contextInfo.stanzaID  # no reply: no quote
