"""WhatsApp addresses in requests: parsed (never scrubbed); a bad one is a 422 with its reason."""

from aiohttp import web

from contracts.addresses import InvalidAddress, parse_address
from services.gateway.http.errors import ApiError
from services.gateway.http.keys import SETTINGS

__all__ = ["jid_of"]


def jid_of(request: web.Request, text: str) -> str:
    """The JID that ``text`` names (a phone number in the default region, or a JID)."""
    try:
        return parse_address(text, request.app[SETTINGS].default_region).jid
    except InvalidAddress as exc:
        raise ApiError(422, "invalid_address", exc.message, {"reason": exc.reason}) from exc
