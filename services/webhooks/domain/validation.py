"""What a webhook registration may say: its URL, its event filters, its secret."""

from contracts.events import EVENT_TYPES
from contracts.ids import is_valid_id
from runtime.public_http.targets import BadTarget, check_target

__all__ = [
    "MAX_FILTERS",
    "MAX_SECRET_LENGTH",
    "MIN_SECRET_LENGTH",
    "InvalidWebhook",
    "check_filters",
    "check_secret",
    "check_session",
    "check_url",
]

MAX_FILTERS = 50
MIN_SECRET_LENGTH = 16
MAX_SECRET_LENGTH = 256
_FAMILIES = frozenset(kind.split(".", 1)[0] for kind in EVENT_TYPES)


class InvalidWebhook(ValueError):
    """A registration that cannot be stored; ``field`` names the culprit, ``reason`` (for a
    URL) says what is wrong with it."""

    def __init__(self, field: str, message: str, reason: str | None = None) -> None:
        super().__init__(message)
        self.field = field
        self.message = message
        self.reason = reason


def check_url(url: str, *, allow_private: bool = False) -> str:
    """The URL as given, once its host is one a delivery may go to (see ``check_target``)."""
    try:
        check_target(url, allow_private=allow_private)
    except BadTarget as exc:
        raise InvalidWebhook("url", exc.message, exc.reason) from exc
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
