"""A file to send → neonize's message of its kind, uploaded (``build_*_message``), not yet sent.

Building uploads the (encrypted) bytes to WhatsApp's media servers and sends nothing, so a
failure here is never ambiguous: the send is retried. Sending the built message goes the way
text does (``send_message``, timed, its errors by the table of outcomes). neonize's
``send_image`` and the like do both in one call, which would hide which of the two failed.
neonize reads the bytes from the path (``str``); only the worker process holds them.
Captions are sent as written: neonize's guessed mentions are dropped, as text parses none.
"""

from neonize.aioze.client import NewAClient
from neonize.proto.waE2E.WAWebProtobufsE2E_pb2 import Message

from services.session.adapters.whatsapp.port import OutgoingMedia, SendFailed

__all__ = ["build_media"]


async def build_media(neo: NewAClient, media: OutgoingMedia) -> Message:
    """Upload the file and return the message that shows it. Raises SendFailed (retryable:
    nothing was sent)."""
    d, path = media.descriptor, media.path
    try:
        match d.kind:
            case "image":
                return _unmentioned(await neo.build_image_message(path, caption=d.caption))
            case "video":
                return _unmentioned(await neo.build_video_message(path, caption=d.caption))
            case "audio" | "voice":  # a voice note is a push-to-talk audio (OGG/Opus)
                return await neo.build_audio_message(path, ptt=d.kind == "voice")
            case "document":
                built: Message = await neo.build_document_message(
                    path, caption=d.caption, filename=d.filename, mimetype=d.mime
                )
                return _unmentioned(built)
            case "sticker":  # already WebP (sniffed at upload): sent as it is, not converted
                return await neo.build_sticker_message(path, passthrough=True)
    except Exception as exc:
        raise SendFailed(f"upload failed: {exc or type(exc).__name__}", retryable=True) from exc
    raise SendFailed(f"{d.kind} files cannot be sent", retryable=False)


def _unmentioned(message: Message) -> Message:
    """A caption is sent as written, as text is: neonize reads "@" and 5 to 16 digits in it
    as a mention (a price like "@25000" too); those guesses are dropped."""
    for field in ("imageMessage", "videoMessage", "documentMessage"):
        if message.HasField(field):
            context = getattr(message, field).contextInfo
            context.ClearField("mentionedJID")
            context.ClearField("groupMentions")
    return message
