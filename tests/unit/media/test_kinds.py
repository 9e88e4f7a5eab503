"""Types are sniffed from the bytes, and each kind of message carries only what fits it."""

from datetime import UTC, datetime

import msgspec
import pytest

from contracts.codec import decode_event
from contracts.envelope import make_event
from contracts.events import MessageReceived
from runtime.media.kinds import OPUS, contradicts, fits, sniff
from tests.support.media_files import SAMPLES


@pytest.mark.parametrize("mime", sorted(SAMPLES))
def test_each_sample_is_sniffed_as_its_type(mime: str) -> None:
    assert sniff(SAMPLES[mime] + bytes(64)) == mime


def test_a_text_file_shows_no_type() -> None:
    assert sniff(b"name,phone\nMona,+20123\n") is None


@pytest.mark.parametrize(
    ("kind", "mime", "ok"),
    [
        ("voice", OPUS, True),
        ("voice", "audio/ogg", False),  # vorbis is no voice note
        ("voice", "audio/mpeg", False),
        ("sticker", "image/webp", True),
        ("sticker", "image/png", False),
        ("image", "image/png", True),
        ("image", "video/mp4", False),
        ("video", "video/mp4", True),
        ("video", "image/jpeg", False),
        ("audio", "audio/mpeg", True),
        ("audio", OPUS, True),
        ("audio", "application/pdf", False),
        ("document", "application/pdf", True),
        ("document", "text/csv", True),
    ],
)
def test_kinds_fit_their_types(kind: str, mime: str, ok: bool) -> None:
    assert fits(kind, mime) is ok  # type: ignore[arg-type]


def test_a_content_type_that_the_bytes_deny_is_a_contradiction() -> None:
    assert contradicts("image/png", "image/jpeg")
    assert contradicts("image/png", None)  # every image type we take has a signature
    assert not contradicts("image/jpg", "image/jpeg")  # an alias
    assert not contradicts("application/octet-stream", "image/png")
    assert not contradicts("text/csv", None)
    assert not contradicts("audio/ogg", OPUS)


def test_a_v1_message_received_reads_as_current_without_media() -> None:
    jid = "c@s.whatsapp.net"
    at = datetime(2026, 1, 1, tzinfo=UTC)
    payload = MessageReceived(message_id="m1", chat_jid=jid, sender_jid=jid, sent_at=at)
    event = make_event(payload, tenant="t1", session="s1")
    raw = msgspec.json.decode(msgspec.json.encode(event))
    raw["version"] = 1
    for name in ("media", "reply_to", "location", "contact"):
        raw["payload"].pop(name)
    decoded = decode_event(msgspec.json.encode(raw))
    assert decoded.version == 3 and decoded.payload.media is None  # type: ignore[union-attr]
    assert decoded.payload.location is None  # type: ignore[union-attr]
