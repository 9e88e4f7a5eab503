"""Sending files through neonize: each kind goes to its build_* call with its caption,
filename, type and the path of its bytes; neonize's own builds make the WhatsApp message
from the file; the send keeps text's rules (our id mapped, sent once, ambiguity final)."""

import io
from pathlib import Path

import pytest
from neonize.exc import SendMessageError
from PIL import Image

from contracts.media import MediaDescriptor, SendableKind
from services.session.adapters.whatsapp.neonize.client import NeonizeClient
from services.session.adapters.whatsapp.neonize.media_out import build_media
from services.session.adapters.whatsapp.neonize.port import NeonizePort
from services.session.adapters.whatsapp.port import OutgoingMedia, SendFailed
from tests.unit.neonize.fake_neo import FakeNeo, RecordingNeo
from tests.unit.neonize.recording import RecordingEvents

TO = "201234567890@s.whatsapp.net"


def outgoing(
    tmp_path: Path, kind: SendableKind, data: bytes, mime: str, **fields: str
) -> OutgoingMedia:
    path = tmp_path / f"{kind}.bin"
    path.write_bytes(data)
    descriptor = MediaDescriptor(kind=kind, mime=mime, size=len(data), **fields)  # type: ignore[arg-type]
    return OutgoingMedia(descriptor=descriptor, path=str(path))


def picture(fmt: str) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (64, 48), "teal").save(out, format=fmt)
    return out.getvalue()


@pytest.mark.parametrize(
    ("kind", "fields", "call", "kwargs"),
    [
        ("image", {"caption": "menu"}, "build_image_message", {"caption": "menu"}),
        ("video", {"caption": "tour"}, "build_video_message", {"caption": "tour"}),
        ("audio", {}, "build_audio_message", {"ptt": False}),
        ("voice", {}, "build_audio_message", {"ptt": True}),
        ("document", {"caption": "Q3", "filename": "r.pdf"}, "build_document_message",
         {"caption": "Q3", "filename": "r.pdf", "mimetype": "application/x-test"}),
        ("sticker", {}, "build_sticker_message", {"passthrough": True}),
    ],
)  # fmt: skip
async def test_each_kind_goes_to_its_neonize_build_with_the_path_of_its_bytes(
    tmp_path: Path, kind: SendableKind, fields: dict[str, str], call: str, kwargs: dict[str, object]
) -> None:
    neo = RecordingNeo()
    media = outgoing(tmp_path, kind, b"bytes", "application/x-test", **fields)
    message = await build_media(neo, media)
    assert neo.builds == [(call, (media.path,), kwargs)]
    assert message.ListFields()  # the message of that kind, as built


async def test_neonize_builds_an_image_from_the_file_with_its_caption_and_thumbnail(
    tmp_path: Path,
) -> None:
    neo, data, caption = FakeNeo(), picture("PNG"), "now @25000 only"
    message = await build_media(
        neo, outgoing(tmp_path, "image", data, "image/png", caption=caption)
    )
    image = message.imageMessage
    assert neo.uploads == [data]  # the file's bytes, read by neonize from the path
    assert (image.caption, image.mimetype, image.fileLength) == (caption, "image/png", len(data))
    assert image.JPEGThumbnail.startswith(b"\xff\xd8")
    assert list(image.contextInfo.mentionedJID) == []  # "@25000" is a price, not a person


async def test_neonize_builds_a_document_with_its_filename_and_a_sticker_as_it_is(
    tmp_path: Path,
) -> None:
    neo, pdf, webp = FakeNeo(), b"%PDF-1.4\n%%EOF\n", picture("WEBP")
    doc = outgoing(tmp_path, "document", pdf, "application/pdf", filename="r.pdf", caption="Q3")
    document = (await build_media(neo, doc)).documentMessage
    assert (document.fileName, document.caption, document.mimetype) == (
        "r.pdf", "Q3", "application/pdf")  # fmt: skip
    sticker = await build_media(neo, outgoing(tmp_path, "sticker", webp, "image/webp"))
    assert sticker.stickerMessage.mimetype == "image/webp"
    assert neo.uploads == [pdf, webp]  # the sticker's bytes unchanged (not re-encoded)


def connected_client(tmp_path: Path, neo: FakeNeo) -> NeonizeClient:
    client = NeonizePort(data_dir=tmp_path).new_client(
        tenant="acme", session="s1", events=RecordingEvents()
    )
    assert isinstance(client, NeonizeClient)
    client._neo, client.receiver.connected = neo, True  # as after a real connection
    return client


async def test_a_sent_file_is_mapped_to_our_id_and_never_sent_twice(tmp_path: Path) -> None:
    neo = RecordingNeo()
    client = connected_client(tmp_path, neo)
    media = outgoing(tmp_path, "image", b"x", "image/jpeg")
    await client.send_media(chat_jid=TO, media=media, message_id="m1")
    await client.send_media(chat_jid=TO, media=media, message_id="m1")  # a retry of the same
    assert len(neo.builds) == 1 and len(neo.sent) == 1
    assert neo.sent[0][0].User == "201234567890" and neo.sent[0][1].HasField("imageMessage")
    assert client._sent.ours("WA1") == ("m1", TO)  # receipts of WA1 are ours


async def test_a_failed_upload_is_retried_and_a_bad_address_uploads_nothing(
    tmp_path: Path,
) -> None:
    neo = FakeNeo()
    client = connected_client(tmp_path, neo)
    broken = outgoing(tmp_path, "image", b"not an image", "image/jpeg")
    with pytest.raises(SendFailed) as failed:
        await client.send_media(chat_jid=TO, media=broken, message_id="m1")
    assert failed.value.retryable and not neo.sent  # nothing left: trying again is safe
    good = outgoing(tmp_path, "image", picture("JPEG"), "image/jpeg")
    with pytest.raises(SendFailed) as refused:
        await client.send_media(chat_jid="not a jid", media=good, message_id="m2")
    assert not refused.value.retryable and not neo.uploads


async def test_a_send_that_may_have_left_is_never_retried(tmp_path: Path) -> None:
    neo = FakeNeo(send_error=SendMessageError("timed out waiting for message send response"))
    client = connected_client(tmp_path, neo)
    media = outgoing(tmp_path, "image", picture("JPEG"), "image/jpeg")
    with pytest.raises(SendFailed) as failed:
        await client.send_media(chat_jid=TO, media=media, message_id="m1")
    assert not failed.value.retryable and "may have been delivered" in str(failed.value)
