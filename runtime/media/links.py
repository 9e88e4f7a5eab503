"""Signed links to a received file: an HMAC-SHA256 over the tenant, session, message and
expiry, so a webhook receiver can fetch that one file, until then, without an API key."""

import base64
import hashlib
import hmac
import os
import secrets
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import quote

from msgspec import Struct

from runtime.settings import Settings

__all__ = ["LINK_PATH", "LinkSigner", "link_signer", "load_link_key"]

LINK_PATH = "/v1/media-links/{tenant_id}/{session_id}/{message_id}"
_KEY_FILE = "media_link.key"


class LinkSigner(Struct, frozen=True, kw_only=True):
    """Makes and checks the links; ``base_url`` is the gateway as its callers reach it."""

    key: bytes
    base_url: str
    ttl_s: float

    def signature(self, tenant: str, session: str, message_id: str, expires: int) -> str:
        text = f"wa-media-link/1\n{tenant}\n{session}\n{message_id}\n{expires}".encode()
        mac = hmac.new(self.key, text, hashlib.sha256).digest()
        return base64.urlsafe_b64encode(mac).rstrip(b"=").decode()

    def link(self, tenant: str, session: str, message_id: str, now: float) -> tuple[str, datetime]:
        """The URL of a received file, and when it stops working."""
        expires = int(now + self.ttl_s)
        path = LINK_PATH.format(
            tenant_id=quote(tenant, safe=""), session_id=quote(session, safe=""),
            message_id=quote(message_id, safe=""),
        )  # fmt: skip
        sig = self.signature(tenant, session, message_id, expires)
        url = f"{self.base_url.rstrip('/')}{path}?expires={expires}&signature={sig}"
        return url, datetime.fromtimestamp(expires, UTC)

    def genuine(self, tenant: str, session: str, message_id: str, expires: int, sig: str) -> bool:
        """Whether ``sig`` was made by this key for exactly these four values."""
        expected = self.signature(tenant, session, message_id, expires)
        return hmac.compare_digest(expected.encode(), sig.encode())


def link_signer(settings: Settings) -> LinkSigner:
    key = load_link_key(settings)
    return LinkSigner(key=key, base_url=settings.public_url(), ttl_s=settings.media_link_ttl_s)


def load_link_key(settings: Settings) -> bytes:
    """The key: ``media_link_key``, else the file ``media_link_key_file`` names, else one made
    once in the data directory (every process of one ``wa up`` shares it)."""
    if settings.media_link_key:
        return settings.media_link_key.encode()
    path = Path(settings.media_link_key_file or Path(settings.data_dir) / _KEY_FILE)
    if not path.exists():
        _create_once(path, secrets.token_hex(32).encode())
    key = path.read_bytes().strip()
    if len(key) < 16:
        raise ValueError(f"the media link key in {path} is shorter than 16 bytes")
    return key


def _create_once(path: Path, data: bytes) -> None:
    """Write ``path`` (0600) unless it exists; two processes racing keep the first key."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        os.fchmod(fd, 0o600)
        with os.fdopen(fd, "wb") as out:
            out.write(data)
        os.link(tmp, path)  # atomic; fails when another process made it first
    except FileExistsError:
        pass
    finally:
        Path(tmp).unlink(missing_ok=True)
