"""Chat commands: read receipts (``chat.read_queued``, sent by the outbox like a send, so a
restart loses none) and presence (queued in memory, paced), number checks and profile
pictures (``lookups``), session options. All behind the gate."""

from contracts.chat_commands import (
    CheckNumbers,
    GetProfilePicture,
    MarkChatRead,
    SendPresence,
    SetSessionOptions,
)
from contracts.commands import Accepted, CommandReply, Refused
from contracts.events import SessionOptionsChanged
from contracts.ids import new_id
from services.session.domain.errors import Refusal
from services.session.domain.reads import queue_read
from services.session.service_layer.chat_runtime import PacedJob
from services.session.service_layer.chat_worker import chat_of, gate
from services.session.service_layer.lookups import Lookups, RateLimited
from services.session.service_layer.owned_sessions import OwnedSessions
from services.session.service_layer.session_runtime import SessionRuntime

__all__ = ["CHAT_COMMANDS", "ChatHandlers"]

CHAT_COMMANDS = (MarkChatRead, SendPresence, CheckNumbers, GetProfilePicture, SetSessionOptions)
ChatCommand = MarkChatRead | SendPresence | CheckNumbers | GetProfilePicture | SetSessionOptions


class ChatHandlers:
    def __init__(self, core: OwnedSessions) -> None:
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
                        return await self.mark_read(rt, cmd)
                    case SendPresence():
                        gate(rt)
                        chat = chat_of(self.core, rt)
                        chat.queue.push(PacedJob(chat_jid=cmd.chat_jid, state=cmd.state))
                        chat.ready.set()
                        return Accepted(session=rt.session, status="queued")
                    case SetSessionOptions():
                        return await self.set_options(rt, cmd)
        except Refusal as refusal:
            details = (
                {"retry_after_s": refusal.retry_after_s} if isinstance(refusal, RateLimited) else {}
            )
            return Refused(code=refusal.code, message=refusal.message, details=details)
        return Refused(code="bad_command", message="unknown command")

    async def mark_read(self, rt: SessionRuntime, cmd: MarkChatRead) -> CommandReply:
        """In the log before the answer: the outbox sends it, here or after a restart."""
        gate(rt)
        events = queue_read(rt.state, chat_jid=cmd.chat_jid, messages=cmd.messages, make_id=new_id)
        if not events:
            return Accepted(session=rt.session, status="nothing_to_read")
        await self.core.append(rt, events, cmd.correlation_id)
        return Accepted(session=rt.session, status="queued", sequence=rt.last_sequence)

    async def set_options(self, rt: SessionRuntime, cmd: SetSessionOptions) -> CommandReply:
        typing = cmd.typing_before_send
        if typing is not None and typing != rt.state.typing_before_send:
            event = SessionOptionsChanged(typing_before_send=typing)
            await self.core.append(rt, [event], cmd.correlation_id)
        return Accepted(session=rt.session, status=rt.state.status, sequence=rt.last_sequence)
