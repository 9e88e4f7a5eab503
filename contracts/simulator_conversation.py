"""The simulator's verbs for what the phone's side does to a message: react, edit, revoke.

``message_id`` is the message acted on; ``sender`` who acts (for an edit or a revoke, its
author). ``from_me``: our own phone does it (to one of our messages, in ``sender``'s chat)."""

from msgspec import Struct

__all__ = ["SimEdit", "SimReact", "SimRevoke"]


class _SimAction(Struct, frozen=True, kw_only=True):
    session: str
    sender: str
    message_id: str
    group: str | None = None
    from_me: bool = False


class SimReact(_SimAction, frozen=True, kw_only=True):
    emoji: str  # "" removes the sender's reaction


class SimEdit(_SimAction, frozen=True, kw_only=True):
    text: str


class SimRevoke(_SimAction, frozen=True, kw_only=True):
    pass
