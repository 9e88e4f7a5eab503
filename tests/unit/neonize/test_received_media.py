"""Incoming files from neonize's own protobuf types: the descriptor the port gets (no bytes),
and a download handle that holds the media sub-message alone."""

import hashlib

from neonize.proto.waE2E.WAWebProtobufsE2E_pb2 import (
    AudioMessage,
    DocumentMessage,
    FutureProofMessage,
    ImageMessage,
    Message,
    StickerMessage,
    VideoMessage,
)

from contracts.media import MediaDescriptor
from tests.unit.neonize.test_message_events import arrived, direct, message_ev

DIGEST = hashlib.sha256(b"the file").digest()


def received(content: Message) -> tuple[MediaDescriptor, bytes]:
    message = arrived(message_ev(direct(), content))
    assert message.media is not None and message.media_kind == message.media.kind
    return message.media, message.media_ref


def test_an_image_with_its_caption_size_digest_and_dimensions() -> None:
    image = ImageMessage(mimetype="image/jpeg", caption="menu", fileSHA256=DIGEST,
                         fileLength=1234, width=640, height=480, mediaKey=b"k" * 32)  # fmt: skip
    media, ref = received(Message(imageMessage=image))
    assert media == MediaDescriptor(
        kind="image", mime="image/jpeg", size=1234, sha256=DIGEST.hex(), caption="menu",
        width=640, height=480,
    )  # fmt: skip
    assert Message.FromString(ref) == Message(imageMessage=image)


def test_a_video_with_its_duration() -> None:
    video = VideoMessage(mimetype="video/mp4", seconds=12, fileLength=99, width=1, height=2)
    media, _ = received(Message(videoMessage=video))
    assert (media.kind, media.duration_s, media.size, media.caption) == ("video", 12.0, 99, None)


def test_a_push_to_talk_audio_is_a_voice_note() -> None:
    ptt = AudioMessage(mimetype="audio/ogg; codecs=opus", seconds=3, PTT=True)
    media, _ = received(Message(audioMessage=ptt))
    assert (media.kind, media.mime, media.duration_s) == ("voice", "audio/ogg; codecs=opus", 3.0)
    media, _ = received(Message(audioMessage=AudioMessage(mimetype="audio/mpeg")))
    assert media.kind == "audio"


def test_a_document_with_its_filename_and_pages_inside_a_caption_wrapper() -> None:
    doc = DocumentMessage(mimetype="application/pdf", fileName="report.pdf", pageCount=3,
                          caption="Q3", fileLength=4096)  # fmt: skip
    wrapped = Message(documentWithCaptionMessage=FutureProofMessage(
        message=Message(documentMessage=doc)))  # fmt: skip
    media, ref = received(wrapped)
    assert (media.kind, media.filename, media.pages, media.caption) == (
        "document", "report.pdf", 3, "Q3")  # fmt: skip
    assert Message.FromString(ref) == Message(documentMessage=doc)


def test_a_sticker_without_a_type_is_webp() -> None:
    media, _ = received(Message(stickerMessage=StickerMessage(width=512, height=512)))
    assert (media.kind, media.mime, media.width) == ("sticker", "image/webp", 512)


def test_text_carries_no_file() -> None:
    message = arrived(message_ev(direct(), Message(conversation="hi")))
    assert message.media is None and message.media_ref == b""
