"""One message send through neonize (every kind: text, file, card, reaction, edit, revoke),
its errors translated to ``SendFailed``.

The send timeout runs from when the Go call got a thread, not from when it was queued: a send
still waiting for a thread when the timeout passes is abandoned and never runs (not sent,
retryable); only one that ran out of time inside Go may have left (ambiguous, final).
"""

import asyncio

from neonize.aioze.client import NewAClient
from neonize.exc import SendMessageError
from neonize.proto.Neonize_pb2 import JID
from neonize.proto.waE2E.WAWebProtobufsE2E_pb2 import Message

from services.session.adapters.whatsapp.neonize.go_maps import go_maps
from services.session.adapters.whatsapp.neonize.jids import jid_from_str
from services.session.adapters.whatsapp.neonize.send_errors import AMBIGUOUS, send_failed
from services.session.adapters.whatsapp.neonize.threads import CallNeverStarted
from services.session.adapters.whatsapp.port import SendFailed

__all__ = ["jid_or_refusal", "send_once"]


def jid_or_refusal(chat_jid: str) -> JID:
    """The JID of ``chat_jid``; a malformed one is a final SendFailed."""
    try:
        return jid_from_str(chat_jid)
    except ValueError as exc:
        raise SendFailed(str(exc), retryable=False) from exc


async def send_once(
    neo: NewAClient, *, chat_jid: str, message: Message, timeout: float, queue_timeout: float = 0
) -> str:
    """Send ``message``; returns the id WhatsApp gave it. No mention parsing, no link preview
    fetched on our behalf. ``queue_timeout`` (0: the same as ``timeout``) bounds the wait
    for a thread; the Go maps' shared side is held until the call has begun (``go_maps``)."""
    to = jid_or_refusal(chat_jid)
    queue_s = queue_timeout or timeout
    try:
        call = await go_maps().begin(lambda: neo.send_message(to, message), queue_s=queue_s)
        response = await asyncio.wait_for(call, timeout)
    except CallNeverStarted as exc:
        raise SendFailed(f"{exc}: it was not sent", retryable=True) from exc
    except SendMessageError as exc:
        raise send_failed(str(exc)) from exc
    except TimeoutError as exc:  # the Go call may still send it: ambiguous, so final
        raise send_failed(AMBIGUOUS) from exc
    except SendFailed:
        raise
    except Exception as exc:
        raise SendFailed(str(exc) or type(exc).__name__, retryable=True) from exc
    return str(response.ID)
