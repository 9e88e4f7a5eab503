"""Event ids made from the fact they record, so a redelivery is de-duplicated by the log."""

import uuid

__all__ = ["stable_event_id"]


def stable_event_id(*parts: str) -> str:
    """The same fact gets the same event id, so a redelivery is de-duplicated by the log."""
    return str(uuid.uuid5(uuid.NAMESPACE_URL, "wa:" + "/".join(parts)))
