"""Signed media links: bound to tenant, session, message and expiry; the key made once."""

import json
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from contracts.codec import encode_event
from contracts.envelope import make_event
from contracts.events import MessageMediaStored, MessageReceived
from contracts.media import MediaDescriptor
from runtime.media.links import LINK_PATH, LinkSigner, load_link_key
from runtime.settings import load_settings
from services.webhooks.domain.model import DueDelivery
from services.webhooks.service_layer.media_links import MediaLinks

SIGNER = LinkSigner(key=b"k" * 32, base_url="https://api.example.com/", ttl_s=600)


def test_a_link_names_its_file_and_expiry_and_checks_only_for_exactly_them() -> None:
    url, expires_at = SIGNER.link("t1", "s1", "m1", now=1_700_000_000)
    parts = urlsplit(url)
    assert parts.path == LINK_PATH.format(tenant_id="t1", session_id="s1", message_id="m1")
    assert url.startswith("https://api.example.com/v1/")
    query = {k: v[0] for k, v in parse_qs(parts.query).items()}
    assert int(query["expires"]) == 1_700_000_600
    assert expires_at == datetime.fromtimestamp(1_700_000_600, UTC)
    sig = query["signature"]
    assert SIGNER.genuine("t1", "s1", "m1", 1_700_000_600, sig)
    assert not SIGNER.genuine("t1", "s1", "m2", 1_700_000_600, sig)  # another message
    assert not SIGNER.genuine("t2", "s1", "m1", 1_700_000_600, sig)
    assert not SIGNER.genuine("t1", "s2", "m1", 1_700_000_600, sig)
    assert not SIGNER.genuine("t1", "s1", "m1", 1_700_000_601, sig)  # a later expiry
    assert not SIGNER.genuine("t1", "s1", "m1", 1_700_000_600, sig[:-1] + "A")
    other = LinkSigner(key=b"x" * 32, base_url="", ttl_s=600)
    assert not other.genuine("t1", "s1", "m1", 1_700_000_600, sig)


def test_the_key_is_made_once_in_the_data_dir_and_a_setting_wins(tmp_path: Path) -> None:
    settings = load_settings({}, data_dir=str(tmp_path))
    first = load_link_key(settings)
    assert len(first) >= 32 and load_link_key(settings) == first
    assert (tmp_path / "media_link.key").stat().st_mode & 0o777 == 0o600
    assert (
        load_link_key(load_settings({}, media_link_key="a-given-key-1234")) == b"a-given-key-1234"
    )
    keyfile = tmp_path / "given.key"
    keyfile.write_text("from-a-secret-file-0123\n")
    chosen = load_settings({}, data_dir=str(tmp_path), media_link_key_file=str(keyfile))
    assert load_link_key(chosen) == b"from-a-secret-file-0123"


def _due(event_type: str, body: bytes) -> DueDelivery:
    return DueDelivery(
        id="d1", webhook_id="w1", tenant="t1", session="s1", event_id="e1",
        event_type=event_type, sequence=1, body=body, created_ms=0, attempts=0, round_start=0,
        next_attempt_ms=0, url="https://hook.example.com/", secret="whsec_x",
    )  # fmt: skip


def test_a_delivery_of_a_stored_file_carries_a_fresh_link_beside_the_envelope() -> None:
    stored = MessageMediaStored(message_id="m1", chat_jid="c@s", size=3, sha256="ab", mime="x/y")
    body = encode_event(make_event(stored, tenant="t1", session="s1"))
    sent = json.loads(MediaLinks(SIGNER).body(_due("message.media_stored", body), 1_700_000_000))
    assert sent == {
        **json.loads(body),
        **{k: sent[k] for k in ("media_url", "media_url_expires_at")},
    }
    assert "/t1/s1/m1?expires=1700000600&" in sent["media_url"]
    assert sent["media_url_expires_at"].startswith("2023-11-14T22:23:20")

    def received(media: MediaDescriptor | None) -> bytes:
        event = MessageReceived(message_id="m2", chat_jid="c@s", sender_jid="c@s", text="hi",
                                sent_at=datetime.now(UTC), media=media)  # fmt: skip
        return encode_event(make_event(event, tenant="t1", session="s1"))

    text_only = received(None)
    assert MediaLinks(SIGNER).body(_due("message.received", text_only), 0) == text_only
    with_file = received(MediaDescriptor(kind="image", mime="image/png"))
    sent = json.loads(MediaLinks(SIGNER).body(_due("message.received", with_file), 0))
    assert "/t1/s1/m2?expires=600&" in sent["media_url"]
