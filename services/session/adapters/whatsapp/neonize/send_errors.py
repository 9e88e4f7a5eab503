"""whatsmeow's send errors → ``SendFailed``, saying whether trying again may help. Pure."""

from services.session.adapters.whatsapp.port import SendFailed

__all__ = ["AMBIGUOUS", "send_failed"]

# The message node went out but no answer came: it may have been delivered. Retrying would
# send it again under a new WhatsApp id (neonize cannot reuse one), so this one is final.
AMBIGUOUS = ("timed out waiting for message send response",)
_PERMANENT = (
    "can't send message to unknown server",
    "message recipient must be a user JID with no device part",
    "sending to non-status broadcast lists is not yet supported",
    "you're not participating in that group",
    "that group does not exist",
    "not a jid",
    "malformed device",
)


def send_failed(error: str) -> SendFailed:
    text = error.lower()
    if any(marker in text for marker in AMBIGUOUS):
        return SendFailed(f"{error} (it may have been delivered; not retried)", retryable=False)
    if any(marker in text for marker in _PERMANENT):
        return SendFailed(error, retryable=False)
    return SendFailed(error, retryable=True)
