"""Read receipts, chat presence, number checks and profile pictures through neonize.

The translations to and from neonize's types are pure (``presence_args``, ``number_checks``,
``picture_missing``); the calls take the running ``NewAClient``.
"""

from collections.abc import Sequence
from datetime import datetime

import aiohttp
from neonize.aioze.client import NewAClient
from neonize.proto.Neonize_pb2 import JID, IsOnWhatsAppResponse
from neonize.utils.enum import ChatPresence, ChatPresenceMedia, ReceiptType

from contracts.chat_commands import NumberCheck, PresenceState
from services.session.adapters.whatsapp.neonize.go_maps import Gated
from services.session.adapters.whatsapp.neonize.jids import LID_SERVER, jid_from_str, user_jid_str
from services.session.adapters.whatsapp.port import SendFailed

__all__ = [
    "MAX_PICTURE_BYTES",
    "check_numbers",
    "mark_read",
    "number_checks",
    "picture_missing",
    "presence_args",
    "profile_picture",
    "send_presence",
]

MAX_PICTURE_BYTES = 5 * 1024 * 1024
# whatsmeow's errors for a picture that is not set, or that its owner hides from us
_NO_PICTURE = ("not set", "not-authorized", "unauthorized", "item-not-found", "404", "401")


def presence_args(state: PresenceState) -> tuple[ChatPresence, ChatPresenceMedia]:
    """Our three states in whatsmeow's terms: recording is "composing" an audio."""
    if state == "paused":
        return ChatPresence.CHAT_PRESENCE_PAUSED, ChatPresenceMedia.CHAT_PRESENCE_MEDIA_TEXT
    media = (
        ChatPresenceMedia.CHAT_PRESENCE_MEDIA_AUDIO
        if state == "recording"
        else (ChatPresenceMedia.CHAT_PRESENCE_MEDIA_TEXT)
    )
    return ChatPresence.CHAT_PRESENCE_COMPOSING, media


def _query(phone: str) -> str:
    return "+" + phone.lstrip("+")


def number_checks(
    phones: Sequence[str], responses: Sequence[IsOnWhatsAppResponse], lids: dict[str, str]
) -> list[NumberCheck]:
    """One answer per phone asked, in order; ``lids``: phone JID → LID where one is known."""
    by_query = {_query(r.Query): r for r in responses}
    out = []
    for phone in phones:
        found = by_query.get(_query(phone))
        jid = user_jid_str(found.JID) if found is not None and found.IsIn else None
        out.append(
            NumberCheck(
                input=phone,
                on_whatsapp=jid is not None,
                jid=jid,
                lid=lids.get(jid) if jid else None,
            )
        )
    return out


def picture_missing(error: str) -> bool:
    """Whether a failed lookup means "no picture" (not set, or hidden from us)."""
    lowered = error.lower()
    return any(marker in lowered for marker in _NO_PICTURE)


async def mark_read(
    neo: NewAClient, *, chat_jid: str, sender_jid: str | None, message_ids: list[str],
    read_at: datetime,
) -> None:  # fmt: skip
    await neo.mark_read(
        *message_ids,
        chat=jid_from_str(chat_jid),
        sender=jid_from_str(sender_jid or chat_jid),
        receipt=ReceiptType.READ,
        timestamp=int(read_at.timestamp()),
    )


async def send_presence(neo: NewAClient, *, chat_jid: str, state: PresenceState) -> None:
    presence, media = presence_args(state)
    await neo.send_chat_presence(jid_from_str(chat_jid), presence, media)


async def _lid_of(neo: NewAClient, jid: JID, go: Gated) -> str | None:
    try:
        lid = await go(neo.get_lid_from_pn(jid))
    except Exception:  # the LID is a bonus: a number check never fails for want of it
        return None
    return user_jid_str(lid) if lid.Server == LID_SERVER else None


async def check_numbers(neo: NewAClient, phones: list[str], go: Gated) -> list[NumberCheck]:
    """Several Go calls: ``go`` runs each under the Go maps' gate (``go_maps``)."""
    responses = await go(neo.is_on_whatsapp(*[_query(p) for p in phones]))
    lids: dict[str, str] = {}
    for response in responses:
        jid = user_jid_str(response.JID)
        if response.IsIn and jid is not None:
            lid = await _lid_of(neo, response.JID, go)
            if lid is not None:
                lids[jid] = lid
    return number_checks(phones, list(responses), lids)


async def profile_picture(neo: NewAClient, jid: str, timeout_s: float) -> bytes | None:
    try:
        info = await neo.get_profile_picture(jid_from_str(jid))
    except Exception as exc:
        if picture_missing(str(exc)):
            return None
        raise SendFailed(f"profile picture: {exc}") from exc
    if not info.URL:
        return None
    timeout = aiohttp.ClientTimeout(total=timeout_s)
    async with aiohttp.ClientSession(timeout=timeout) as http, http.get(info.URL) as response:
        if response.status == 404:
            return None
        if response.status != 200:
            raise SendFailed(f"profile picture: the CDN answered {response.status}")
        data = await response.content.read(MAX_PICTURE_BYTES + 1)
    if len(data) > MAX_PICTURE_BYTES:
        raise SendFailed("profile picture: larger than 5 MiB", retryable=False)
    return data
