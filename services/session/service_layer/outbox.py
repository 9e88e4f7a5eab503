"""The send worker of one session: paced, only while online, every attempt recorded. It sends
messages, actions on messages and our read receipts, in the order they were queued."""

import asyncio
import contextlib
from datetime import datetime
from typing import TYPE_CHECKING

from contracts.events import Event
from runtime.logging import get_logger
from services.session.adapters.whatsapp.port import OutgoingMedia, SendFailed, WhatsAppClient
from services.session.domain import transitions
from services.session.domain.session import PendingSend
from services.session.domain.typing import plan_send
from services.session.service_layer.sending_files import sending_file
from services.session.service_layer.session_runtime import SessionRuntime
from services.session.service_layer.stable_ids import stable_event_id

if TYPE_CHECKING:
    from services.session.service_layer.owned_sessions import OwnedSessions

__all__ = ["run_outbox"]

log = get_logger(__name__)


def _due(rt: SessionRuntime, now: datetime) -> tuple[PendingSend | None, float | None]:
    """The first send that may go now, or how long until one may."""
    wait: float | None = None
    for item in rt.state.pending.values():
        if item.not_before is None or item.not_before <= now:
            return item, None
        left = (item.not_before - now).total_seconds()
        wait = left if wait is None else min(wait, left)
    return None, wait


async def run_outbox(core: "OwnedSessions", rt: SessionRuntime) -> None:
    while rt.state.status != "deleted":
        try:
            await _one(core, rt)
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("outbox.failed", tenant=rt.tenant, session=rt.session)
            await asyncio.sleep(1.0)


async def _one(core: "OwnedSessions", rt: SessionRuntime) -> None:
    loop = asyncio.get_running_loop()
    item, wait = _due(rt, core.deps.now())
    if item is None:
        rt.wake.clear()
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(rt.wake.wait(), timeout=wait)
        return
    await rt.online.wait()
    typing = rt.state.typing_before_send and item.reads is None  # no "typing…" before a receipt
    typing_s = core.deps.chat.typing.seconds(item.text) if typing else 0.0
    plan = plan_send(rt.pacer, loop.time(), typing_s)
    if plan.typing_s > 0:
        await asyncio.sleep(max(0.0, plan.typing_at - loop.time()))
        await _show_typing(rt, item.chat_jid)
    await asyncio.sleep(max(0.0, plan.send_at - loop.time()))
    async with rt.lock:
        current = rt.state.pending.get(item.message_id)
        client = rt.client
        if current is None or client is None or not rt.online.is_set():
            return
        if rt.state.status != "connected":
            return
    # WhatsApp takes its time (a large file's upload): the session's lock is free meanwhile,
    # so its commands (a mark-read, a new send, a logout) are answered. This task alone sends,
    # one message at a time; a client stopped meanwhile fails the call, recorded below.
    failure: Exception | None = None
    try:
        await _send(core, rt, client, current)
    except Exception as exc:  # SendFailed, or anything the library raised: recorded
        failure = exc
    async with rt.lock:
        if current.message_id not in rt.state.pending:
            return  # the session was deleted meanwhile: nothing is left to record
        events, fact_id = _outcome(core, rt, current, failure)
        await core.append(rt, events, event_id=fact_id)


def _outcome(
    core: "OwnedSessions", rt: SessionRuntime, item: PendingSend, failure: Exception | None
) -> tuple[list[Event], str | None]:
    """The events of one attempt, and the id of a lone fact (a receipt's chat.read)."""
    deps = core.deps
    if failure is not None:
        events = transitions.send_failed(
            rt.state,
            item.message_id,
            error=str(failure) or type(failure).__name__,
            retryable=failure.retryable if isinstance(failure, SendFailed) else True,
            now=deps.now(),
            policy=deps.send_retry,
            rand=deps.rand,
        )
        return events, None
    events = transitions.send_succeeded(rt.state, item.message_id, deps.now())
    if item.reads is not None:  # chat.read: its id from the receipt's, kept once
        return events, stable_event_id(rt.tenant, rt.session, "read", item.message_id)
    return events, None


async def _show_typing(rt: SessionRuntime, chat_jid: str) -> None:
    """Show "typing…" in the send's own pacer slot; a failure to show it never holds the send."""
    client = rt.client
    if client is None or not rt.online.is_set():
        return
    try:
        await client.send_presence(chat_jid=chat_jid, state="composing")
    except Exception as exc:
        log.warning("outbox.typing_failed", tenant=rt.tenant, session=rt.session, error=str(exc))


async def _send(
    core: "OwnedSessions", rt: SessionRuntime, client: WhatsAppClient, item: PendingSend
) -> None:
    chat, message_id, quote = item.chat_jid, item.message_id, item.quote
    if item.reads is not None:
        ids = [ref.message_id for ref in item.reads]
        now = core.deps.now()
        await client.mark_read(
            chat_jid=chat, sender_jid=item.read_sender, message_ids=ids, read_at=now
        )
        return
    if item.target is not None and item.action is not None:
        await client.send_action(target=item.target, action=item.action, message_id=message_id)
        return
    card = item.location or item.contact
    if card is not None:
        await client.send_card(chat_jid=chat, card=card, message_id=message_id, quote=quote)
        return
    if item.media is None:
        await client.send_text(chat_jid=chat, text=item.text, message_id=message_id, quote=quote)
        return
    with sending_file(
        core.deps.sending_dir
    ) as path:  # the bytes pass through a local file, never held whole
        if not await core.deps.media.copy_upload(rt.tenant, item.media.upload_id or "", path):
            raise SendFailed("media_gone: the uploaded file is no longer stored", retryable=False)
        media = OutgoingMedia(descriptor=item.media, path=str(path))
        await client.send_media(chat_jid=chat, media=media, message_id=message_id, quote=quote)
