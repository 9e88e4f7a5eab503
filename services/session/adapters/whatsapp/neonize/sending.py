"""One message send through neonize, its errors translated to ``SendFailed``."""

import asyncio

from neonize.aioze.client import NewAClient
from neonize.exc import SendMessageError
from neonize.proto.waE2E.WAWebProtobufsE2E_pb2 import Message

from services.session.adapters.whatsapp.neonize.jids import jid_from_str
from services.session.adapters.whatsapp.neonize.send_errors import AMBIGUOUS, send_failed
from services.session.adapters.whatsapp.port import SendFailed

__all__ = ["send_once"]


async def send_once(neo: NewAClient, *, chat_jid: str, message: Message, timeout: float) -> str:
    """Send ``message``; returns the id WhatsApp gave it. No mention parsing, no link preview
    fetched on our behalf."""
    try:
        to = jid_from_str(chat_jid)
    except ValueError as exc:
        raise SendFailed(str(exc), retryable=False) from exc
    try:
        response = await asyncio.wait_for(neo.send_message(to, message), timeout)
    except SendMessageError as exc:
        raise send_failed(str(exc)) from exc
    except TimeoutError as exc:  # the worker thread may still send it: ambiguous, so final
        raise send_failed(AMBIGUOUS) from exc
    except Exception as exc:
        raise SendFailed(str(exc) or type(exc).__name__, retryable=True) from exc
    return str(response.ID)
