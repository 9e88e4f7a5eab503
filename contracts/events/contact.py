"""Events about the people a session talks to."""

from msgspec import Struct

__all__ = ["ContactUpdated"]


class ContactUpdated(Struct, frozen=True, kw_only=True, tag="contact.updated"):
    jid: str
    lid: str | None = None
    phone_number: str | None = None
    push_name: str | None = None
    saved_name: str | None = None
