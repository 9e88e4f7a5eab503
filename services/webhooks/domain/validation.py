"""What a webhook registration may say: its URL, its event filters, its secret."""

import ipaddress
from urllib.parse import urlsplit

from contracts.events import EVENT_TYPES
from contracts.ids import is_valid_id

MAX_URL_LENGTH = 2048
MAX_FILTERS = 50
MIN_SECRET_LENGTH = 16
MAX_SECRET_LENGTH = 256
_FAMILIES = frozenset(kind.split(".", 1)[0] for kind in EVENT_TYPES)


class InvalidWebhook(ValueError):
    """A registration that cannot be stored; ``field`` names the culprit."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


def is_public_address(text: str) -> bool:
    """A globally routable address: not loopback, private, link-local, shared or reserved."""
    address = ipaddress.ip_address(text.split("%", 1)[0])
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        address = address.ipv4_mapped
    return address.is_global and not address.is_multicast


def is_ip_literal(host: str) -> bool:
    try:
        ipaddress.ip_address(host.split("%", 1)[0])
    except ValueError:
        return False
    return True


def check_url(url: str, *, allow_private: bool = False) -> str:
    if len(url) > MAX_URL_LENGTH:
        raise InvalidWebhook("url", f"the URL is longer than {MAX_URL_LENGTH} characters")
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise InvalidWebhook("url", f"{url!r} is not a valid URL: {exc}") from exc
    if parts.scheme not in ("http", "https"):
        raise InvalidWebhook("url", f"{url!r} must start with http:// or https://")
    if not parts.hostname:
        raise InvalidWebhook("url", f"{url!r} names no host")
    if parts.username or parts.password:
        raise InvalidWebhook("url", "credentials in the URL are not allowed; use the secret")
    if any(ch.isspace() for ch in url):
        raise InvalidWebhook("url", f"{url!r} contains white space")
    if port == 0:
        raise InvalidWebhook("url", f"{url!r} has port 0")
    host = parts.hostname.lower()
    private = host == "localhost" or host.endswith(".localhost")
    private = private or (is_ip_literal(host) and not is_public_address(host))
    if private and not allow_private:
        raise InvalidWebhook(
            "url", f"{host!r} is not a public address (WA_WEBHOOK_ALLOW_PRIVATE_TARGETS allows it)"
        )
    return url


def check_filters(patterns: list[str]) -> list[str]:
    """``*``, ``<family>.*`` or an exact event type; duplicates removed, order kept."""
    if not patterns:
        raise InvalidWebhook("events", "give at least one event filter, e.g. ['message.*']")
    if len(patterns) > MAX_FILTERS:
        raise InvalidWebhook("events", f"at most {MAX_FILTERS} event filters")
    for pattern in patterns:
        family, dot, name = pattern.partition(".")
        if pattern == "*" or (dot and name == "*" and family in _FAMILIES):
            continue
        if pattern not in EVENT_TYPES:
            known = ", ".join(sorted(_FAMILIES))
            raise InvalidWebhook(
                "events",
                f"{pattern!r} is no event type; use '*', '<family>.*' ({known}) or an exact type",
            )
    return list(dict.fromkeys(patterns))


def check_session(session: str | None) -> str | None:
    if session is not None and not is_valid_id(session):
        raise InvalidWebhook("session_id", f"{session!r} is not a session id")
    return session


def check_secret(secret: str) -> str:
    if not MIN_SECRET_LENGTH <= len(secret) <= MAX_SECRET_LENGTH:
        raise InvalidWebhook(
            "secret", f"the secret must be {MIN_SECRET_LENGTH} to {MAX_SECRET_LENGTH} characters"
        )
    return secret
