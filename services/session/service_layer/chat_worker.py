"""The paced worker of one session's chat actions: each job takes the next pacer slot (the
one its sends use), goes only while online, and a read receipt sent becomes ``chat.read``."""

import asyncio
from typing import TYPE_CHECKING

from contracts.events import ChatRead
from runtime.logging import get_logger
from services.session.adapters.whatsapp.port import SendFailed, WhatsAppClient
from services.session.domain.errors import Refusal
from services.session.service_layer.chat_runtime import ChatRuntime, PacedJob
from services.session.service_layer.runtime import SessionRuntime
from services.session.service_layer.stable_ids import stable_event_id

if TYPE_CHECKING:
    from services.session.service_layer.core import SessionCore

__all__ = ["chat_of", "gate", "run_chat_actions"]

log = get_logger(__name__)


def gate(rt: SessionRuntime) -> None:
    """Nothing reaches WhatsApp unless the session is connected."""
    if rt.state.status != "connected" or rt.client is None:
        raise Refusal("not_connected", f"the session is {rt.state.status}; nothing was sent")


def chat_of(core: "SessionCore", rt: SessionRuntime) -> ChatRuntime:
    """The session's chat runtime, made on first use, with its paced worker running."""
    if rt.chat is None:
        policy = core.deps.chat
        rt.chat = ChatRuntime(number_ttl_s=policy.number_ttl_s, picture_ttl_s=policy.picture_ttl_s)
    chat = rt.chat
    if chat.task is None or chat.task.done():
        chat.task = core.spawn(run_chat_actions(core, rt, chat))
    return chat


async def run_chat_actions(core: "SessionCore", rt: SessionRuntime, chat: ChatRuntime) -> None:
    loop = asyncio.get_running_loop()
    while rt.state.status != "deleted":
        await rt.online.wait()
        taken = chat.queue.take(rt.pacer, loop.time())
        if taken is None:
            chat.ready.clear()
            await chat.ready.wait()
            continue
        job, when = taken
        await asyncio.sleep(max(0.0, when - loop.time()))
        async with rt.lock:
            client = rt.client
            if client is None or rt.state.status != "connected" or not rt.online.is_set():
                chat.queue.push_front(job)  # its turn comes again once back online
                continue
            try:
                await _run(core, rt, chat, client, job)
            except Exception as exc:
                _failed(core, rt, chat, job, exc)


async def _run(
    core: "SessionCore", rt: SessionRuntime, chat: ChatRuntime, client: WhatsAppClient,
    job: PacedJob,
) -> None:  # fmt: skip
    if job.state is not None:
        await client.send_presence(chat_jid=job.chat_jid, state=job.state)
        return
    ids = [ref.message_id for ref in job.refs]
    await client.mark_read(
        chat_jid=job.chat_jid, sender_jid=job.sender_jid, message_ids=ids, read_at=core.deps.now()
    )
    event = ChatRead(
        chat_jid=job.chat_jid, message_ids=ids, sender_jid=job.sender_jid, up_to=job.up_to
    )
    event_id = stable_event_id(rt.tenant, rt.session, "read", job.chat_jid, *ids)
    await core.publish_fact(rt, event, event_id)
    chat.queued_reads.difference_update(ids)


def _failed(
    core: "SessionCore", rt: SessionRuntime, chat: ChatRuntime, job: PacedJob, exc: Exception
) -> None:
    job.attempts += 1
    retry = isinstance(exc, SendFailed) and exc.retryable and job.refs
    again = bool(retry) and job.attempts < core.deps.chat.read_attempts
    log.warning(
        "chat.action_failed",
        tenant=rt.tenant,
        session=rt.session,
        chat=job.chat_jid,
        kind="read" if job.refs else "presence",
        error=str(exc),
        again=again,
    )
    if again:
        chat.queue.push(job)
    else:
        chat.queued_reads.difference_update(ref.message_id for ref in job.refs)
