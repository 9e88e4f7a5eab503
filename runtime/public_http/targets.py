"""Where a URL a caller names (a webhook target, a file to send) really leads: its host as
the HTTP client sees it (aiohttp parses URLs with yarl, which maps non-ASCII hosts through
NFKC and IDNA, so 127.0.0.1 written in full-width digits is 127.0.0.1), judged before
anything is stored and before each attempt."""

import re
from dataclasses import dataclass
from ipaddress import IPv4Address, IPv6Address, ip_address
from urllib.parse import SplitResult, urlsplit

import idna
from yarl import URL

from runtime.public_http.addresses import is_public_ip

__all__ = ["LOCAL_SUFFIXES", "MAX_URL_LENGTH", "BadTarget", "Target", "check_target"]

MAX_URL_LENGTH = 2048
# Names under these never resolve in the public DNS (RFC 6761, 6762, 8375, 9476; ICANN's
# .internal; and the suffixes home networks use).
LOCAL_SUFFIXES = frozenset(
    {"localhost", "local", "internal", "localdomain", "lan", "home", "corp", "arpa", "test",
     "invalid", "example", "onion", "alt"}
)  # fmt: skip
ALLOWED_BY = "WA_WEBHOOK_ALLOW_PRIVATE_TARGETS allows it"
_LABEL = re.compile(r"^[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?$")
_NUMBER = re.compile(r"^(0x[0-9a-f]*|[0-9]+)$")  # a last label like this makes it IPv4 (WHATWG)
_CONTROL_OR_SPACE = re.compile(r"[\x00-\x20\x7f]|\s")


class BadTarget(ValueError):
    """A URL no delivery may go to; ``reason`` is a stable code for clients."""

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason
        self.message = message


@dataclass(frozen=True, kw_only=True)
class Target:
    host: str  # as the client connects: an ASCII (IDNA) name, or an address in canonical form
    address: IPv4Address | IPv6Address | None  # None: a name, resolved when connecting


def _split(url: str) -> SplitResult:
    if len(url) > MAX_URL_LENGTH:
        raise BadTarget("too_long", f"the URL is longer than {MAX_URL_LENGTH} characters")
    if _CONTROL_OR_SPACE.search(url):
        raise BadTarget("whitespace", f"{url!r} contains white space or control characters")
    try:
        parts = urlsplit(url)
    except ValueError as exc:
        raise BadTarget("malformed", f"{url!r} is not a valid URL: {exc}") from exc
    if parts.scheme.lower() not in ("http", "https"):
        raise BadTarget("scheme", f"{url!r} must start with http:// or https://")
    if "@" in parts.netloc:
        raise BadTarget("userinfo", "credentials in the URL are not allowed; use the secret")
    try:
        port = parts.port
    except ValueError as exc:
        raise BadTarget("bad_port", f"{url!r} has no valid port: {exc}") from exc
    if port == 0:
        raise BadTarget("bad_port", f"{url!r} has port 0")
    return parts


def _client_host(url: str, parts: SplitResult) -> str:
    """The host yarl gives aiohttp; a non-ASCII one must be a valid IDNA 2008 name."""
    try:
        host = URL(url).raw_host or ""
    except ValueError as exc:
        raise BadTarget("malformed", f"{url!r} is not a valid URL: {exc}") from exc
    if not host or not parts.hostname:
        raise BadTarget("no_host", f"{url!r} names no host")
    written = parts.hostname
    if not written.isascii():
        try:
            strict = idna.encode(written, uts46=True).decode("ascii")
        except idna.IDNAError as exc:
            raise BadTarget("bad_idna", f"{written!r} is not a valid IDNA host name") from exc
        if strict != host:
            raise BadTarget("bad_idna", f"{written!r} is not a valid IDNA host name")
    return host


def _address(host: str) -> IPv4Address | IPv6Address | None:
    """The address a host stands for; refuses every IPv4 spelling but the dotted quad."""
    if ":" in host:
        try:
            return ip_address(host.replace("%25", "%"))
        except ValueError as exc:
            raise BadTarget("malformed", f"[{host}] is not an IPv6 address") from exc
    if _NUMBER.match(host.removesuffix(".").rsplit(".", 1)[-1]):
        try:
            address = IPv4Address(host)
        except ValueError:
            address = None
        if address is None or str(address) != host:
            raise BadTarget(
                "non_canonical_address", f"{host!r} is no IPv4 address in the dotted-quad form"
            )
        return address
    if host.endswith("."):
        raise BadTarget("trailing_dot", f"{host!r} ends with a dot; leave it out")
    labels = host.split(".")
    if len(host) > 253 or not all(_LABEL.match(label) for label in labels):
        raise BadTarget("bad_host", f"{host!r} is not a valid host name")
    return None


def _refuse_private(
    host: str, address: IPv4Address | IPv6Address | None, *, loopback: bool, allowed_by: str
) -> None:
    if address is not None:
        if not is_public_ip(address) and not (loopback and address.is_loopback):
            raise BadTarget("private_address", f"{host!r} is not a public address ({allowed_by})")
        return
    labels = host.split(".")
    if labels[-1] in LOCAL_SUFFIXES:
        raise BadTarget(
            "local_name", f"{host!r} is a local name, never a public host ({allowed_by})"
        )
    if len(labels) == 1:
        raise BadTarget(
            "single_label", f"{host!r} is a single-label name, never a public host ({allowed_by})"
        )


def check_target(
    url: str, *, allow_private: bool = False, allow_loopback: bool = False,
    allowed_by: str = ALLOWED_BY,
) -> Target:  # fmt: skip
    """The host ``url`` connects to, or ``BadTarget``; ``allow_private`` lifts only the rule
    that the host be public, never the rules on how it is written; ``allow_loopback`` admits
    a loopback address (IP literal) besides public ones; ``allowed_by`` names the setting
    that would allow a refused host, for the message."""
    parts = _split(url)
    host = _client_host(url, parts)
    address = _address(host)
    if address is not None and not (parts.hostname or "").isascii():
        raise BadTarget(
            "non_ascii_address", f"{parts.hostname!r} spells an address with non-ASCII characters"
        )
    if not allow_private:
        _refuse_private(host, address, loopback=allow_loopback, allowed_by=allowed_by)
    return Target(host=host, address=address)
