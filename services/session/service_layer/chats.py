"""Chat commands: read receipts and presence (queued, paced), number checks and profile
pictures (``lookups``), session options. All behind the gate."""

from contracts.chat_commands import (
    CheckNumbers,
    GetProfilePicture,
    MarkChatRead,
    ReadRef,
    SendPresence,
    SetSessionOptions,
)
from contracts.commands import Accepted, CommandReply, Refused
from contracts.events import SessionOptionsChanged
from services.session.domain.errors import Refusal
from services.session.service_layer.chat_runtime import PacedJob
from services.session.service_layer.chat_worker import chat_of, gate
from services.session.service_layer.core import SessionCore
from services.session.service_layer.lookups import Lookups, RateLimited
from services.session.service_layer.runtime import SessionRuntime

__all__ = ["CHAT_COMMANDS", "ChatHandlers"]

CHAT_COMMANDS = (MarkChatRead, SendPresence, CheckNumbers, GetProfilePicture, SetSessionOptions)
ChatCommand = MarkChatRead | SendPresence | CheckNumbers | GetProfilePicture | SetSessionOptions


class ChatHandlers:
    def __init__(self, core: SessionCore) -> None:
        self.core = core
        self.lookups = Lookups(core)

    async def handle(self, rt: SessionRuntime, cmd: ChatCommand) -> CommandReply:
        try:
            match cmd:
                case CheckNumbers():
                    return await self.lookups.check(rt, cmd)
                case GetProfilePicture():
                    return await self.lookups.picture(rt, cmd)
            async with rt.lock:
                match cmd:
                    case MarkChatRead():
                        return self.mark_read(rt, cmd)
                    case SendPresence():
                        gate(rt)
                        self._queue(rt, PacedJob(chat_jid=cmd.chat_jid, state=cmd.state))
                        return Accepted(session=rt.session, status="queued")
                    case SetSessionOptions():
                        return await self.set_options(rt, cmd)
        except Refusal as refusal:
            details = (
                {"retry_after_s": refusal.retry_after_s} if isinstance(refusal, RateLimited) else {}
            )
            return Refused(code=refusal.code, message=refusal.message, details=details)
        return Refused(code="bad_command", message="unknown command")

    def _queue(self, rt: SessionRuntime, job: PacedJob) -> None:
        chat = chat_of(self.core, rt)
        chat.queue.push(job)
        chat.ready.set()

    def mark_read(self, rt: SessionRuntime, cmd: MarkChatRead) -> CommandReply:
        gate(rt)
        chat = chat_of(self.core, rt)
        fresh = [ref for ref in cmd.messages if ref.message_id not in chat.queued_reads]
        by_sender: dict[str | None, list[ReadRef]] = {}
        group = cmd.chat_jid.endswith("@g.us")
        for ref in fresh:  # a group's receipts name the sender: one call per sender
            by_sender.setdefault(ref.sender_jid if group else None, []).append(ref)
        for sender, refs in by_sender.items():
            chat.queued_reads.update(ref.message_id for ref in refs)
            self._queue(rt, PacedJob(chat_jid=cmd.chat_jid, refs=refs, sender_jid=sender))
        return Accepted(session=rt.session, status="queued" if fresh else "nothing_to_read")

    async def set_options(self, rt: SessionRuntime, cmd: SetSessionOptions) -> CommandReply:
        typing = cmd.typing_before_send
        if typing is not None and typing != rt.state.typing_before_send:
            event = SessionOptionsChanged(typing_before_send=typing)
            await self.core.append(rt, [event], cmd.correlation_id)
        return Accepted(session=rt.session, status=rt.state.status, sequence=rt.last_sequence)
