"""The paced worker of one session's presence updates: each takes the next pacer slot (the
one its sends use) and goes only while online. Read receipts go through the outbox."""

import asyncio
from typing import TYPE_CHECKING

from runtime.logging import get_logger
from services.session.domain.errors import Refusal
from services.session.service_layer.chat_runtime import ChatRuntime
from services.session.service_layer.session_runtime import SessionRuntime

if TYPE_CHECKING:
    from services.session.service_layer.owned_sessions import OwnedSessions

__all__ = ["chat_of", "gate", "run_chat_actions"]

log = get_logger(__name__)


def gate(rt: SessionRuntime) -> None:
    """Nothing reaches WhatsApp unless the session is connected."""
    if rt.state.status != "connected" or rt.client is None:
        raise Refusal("not_connected", f"the session is {rt.state.status}; nothing was sent")


def chat_of(core: "OwnedSessions", rt: SessionRuntime) -> ChatRuntime:
    """The session's chat runtime, made on first use, with its paced worker running."""
    if rt.chat is None:
        policy = core.deps.chat
        rt.chat = ChatRuntime(number_ttl_s=policy.number_ttl_s, picture_ttl_s=policy.picture_ttl_s)
    chat = rt.chat
    if chat.task is None or chat.task.done():
        chat.task = core.spawn(run_chat_actions(core, rt, chat))
    return chat


async def run_chat_actions(core: "OwnedSessions", rt: SessionRuntime, chat: ChatRuntime) -> None:
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
                await client.send_presence(chat_jid=job.chat_jid, state=job.state)
            except Exception as exc:  # presence is ephemeral: a failed one is not tried again
                log.warning(
                    "chat.action_failed",
                    tenant=rt.tenant,
                    session=rt.session,
                    chat=job.chat_jid,
                    kind="presence",
                    error=str(exc),
                )
