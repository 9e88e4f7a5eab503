"""whatsmeow's send errors → ``SendFailed``, by the table of outcomes. Pure."""

from services.session.adapters.whatsapp.neonize.outcomes import send_error_outcome
from services.session.adapters.whatsapp.port import SendFailed

__all__ = ["AMBIGUOUS", "send_failed"]

AMBIGUOUS = "timed out waiting for message send response"  # also what our own timeout means


def send_failed(error: str) -> SendFailed:
    match send_error_outcome(error):
        case "ambiguous":
            return SendFailed(f"{error} (it may have been delivered; not retried)", retryable=False)
        case "final":
            return SendFailed(error, retryable=False)
    return SendFailed(error, retryable=True)
