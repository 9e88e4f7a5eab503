"""Contacts: keyed by phone JID when known, else by LID; the two are linked once both show."""

from datetime import datetime
from functools import lru_cache

from services.store.domain.changes import RowChange

__all__ = ["contact_changes", "phone_of"]


@lru_cache(maxsize=65_536)  # a busy number hears from the same people over and over
def phone_of(jid: str) -> str | None:
    """The phone number of a user JID (``2012…:12@s.whatsapp.net`` → ``2012…``)."""
    user, _, server = jid.partition("@")
    number = user.split(":", 1)[0]
    return number if server == "s.whatsapp.net" and number.isdigit() else None


def contact_changes(
    tenant: str,
    session: str,
    at: datetime,
    jid: str,
    lid: str | None,
    phone_number: str | None,
    push_name: str | None,
    saved_name: str | None,
) -> list[RowChange]:
    params = {
        "tenant": tenant,
        "session_id": session,
        "at": at,
        "push_name": push_name,
        "saved_name": saved_name,
    }
    if jid.endswith("@lid"):
        params["lid"] = jid
        return [RowChange("contact.by_lid", (("contact", tenant, session, jid),), params)]
    params["jid"], params["lid"] = jid, lid
    params["phone_number"] = phone_number or phone_of(jid)
    if lid:
        keys = (("contact", tenant, session, jid), ("contact", tenant, session, lid))
        return [RowChange("contact.linked", keys, params)]
    return [RowChange("contact.by_phone", (("contact", tenant, session, jid),), params)]
