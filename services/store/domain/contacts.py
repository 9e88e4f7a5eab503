"""Contacts: keyed by phone JID when known, else by LID; the two are linked once both show."""

from collections.abc import Mapping

from services.store.domain.changes import RowChange

__all__ = ["contact_changes", "phone_of"]


def phone_of(jid: str) -> str | None:
    """The phone number of a user JID (``2012…:12@s.whatsapp.net`` → ``2012…``)."""
    user, _, server = jid.partition("@")
    number = user.split(":", 1)[0]
    return number if server == "s.whatsapp.net" and number.isdigit() else None


def contact_changes(
    base: Mapping[str, object],
    jid: str,
    lid: str | None,
    phone_number: str | None,
    push_name: str | None,
    saved_name: str | None,
) -> list[RowChange]:
    tenant, session = str(base["tenant"]), str(base["session_id"])
    names = {"push_name": push_name, "saved_name": saved_name}
    if jid.endswith("@lid"):
        params = {**base, **names, "lid": jid}
        return [RowChange("contact.by_lid", (("contact", tenant, session, jid),), params)]
    keys: tuple[tuple[str, ...], ...] = (("contact", tenant, session, jid),)
    if lid:
        keys += (("contact", tenant, session, lid),)
    params = {
        **base,
        **names,
        "jid": jid,
        "lid": lid,
        "phone_number": phone_number or phone_of(jid),
    }
    return [RowChange("contact.linked" if lid else "contact.by_phone", keys, params)]
