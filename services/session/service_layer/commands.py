"""Command handlers: each answers at once, with Accepted or a Refused with a stable code."""

from contracts.addresses import InvalidAddress, parse_address
from contracts.commands import (
    Accepted,
    ActOnMessage,
    CommandReply,
    CreateSession,
    DeleteSession,
    GetQr,
    LogoutSession,
    PairSession,
    ReconnectSession,
    Refused,
    SendCard,
    SendMedia,
    SendText,
    SessionCommand,
)
from contracts.events import Event, SessionCreated, SessionOptionsChanged
from contracts.groups import CreateGroup, GetGroupInvite, LeaveGroup, UpdateGroupParticipants
from contracts.ids import is_valid_id, new_id
from runtime.logging import get_logger
from services.session.domain import transitions
from services.session.domain.session import Session
from services.session.domain.transitions import Refusal
from services.session.service_layer.acting import act
from services.session.service_layer.chats import CHAT_COMMANDS, ChatHandlers
from services.session.service_layer.groups import GroupHandlers
from services.session.service_layer.lifecycle import Lifecycle
from services.session.service_layer.media_files import forget_media
from services.session.service_layer.pairing import PairingHandlers, accepted
from services.session.service_layer.quota import SessionQuota, TenantBusy
from services.session.service_layer.session_runtime import SessionRuntime

__all__ = ["NOT_FOUND", "CommandHandlers"]

log = get_logger(__name__)
NOT_FOUND = Refused(code="not_found", message="no such session")


class CommandHandlers:
    """Commands for one session are serialized by its lock."""

    def __init__(self, lifecycle: Lifecycle, quota: SessionQuota | None = None) -> None:
        self.lifecycle = lifecycle
        self.quota = quota
        self.core = lifecycle.core
        self.pairing = PairingHandlers(lifecycle)
        self.groups = GroupHandlers(self.core)
        self.chats = ChatHandlers(self.core)

    async def handle(self, cmd: SessionCommand) -> CommandReply:
        if isinstance(cmd, CreateSession):
            return await self.create(cmd)
        rt = self.core.find(cmd.tenant, cmd.session)
        if rt is None:
            return NOT_FOUND
        if isinstance(cmd, CreateGroup | UpdateGroupParticipants | GetGroupInvite | LeaveGroup):
            return await self.groups.handle(rt, cmd)  # takes the lock itself, around its wait
        if isinstance(cmd, CHAT_COMMANDS):  # each takes the lock itself, not while it waits
            return await self.chats.handle(rt, cmd)
        async with rt.lock:
            if rt.state.status == "deleted":
                return NOT_FOUND
            try:
                return await self._dispatch(rt, cmd)
            except Refusal as refusal:
                return Refused(code=refusal.code, message=refusal.message)

    async def _dispatch(self, rt: SessionRuntime, cmd: SessionCommand) -> CommandReply:
        match cmd:
            case PairSession():
                return await self.pairing.pair(rt, cmd)
            case GetQr():
                return await self.pairing.get_qr(rt)
            case LogoutSession():
                await self.core.append(rt, transitions.logout(rt.state), cmd.correlation_id)
                await self._unlink(rt, forget=False)
            case ReconnectSession():
                await self.core.append(rt, transitions.reconnect(rt.state), cmd.correlation_id)
                await self.lifecycle.start_client(rt)
            case DeleteSession():
                await self.core.append(rt, transitions.delete(rt.state), cmd.correlation_id)
                await self._unlink(rt, forget=True)
                deps = self.core.deps  # the files go after the reply (a listing takes a while)
                self.core.spawn(forget_media(deps.media, deps.pending_media, rt.tenant, rt.session))
            case SendText() | SendMedia() | SendCard():
                return await self.send(rt, cmd)
            case ActOnMessage():
                return await act(self.core, rt, cmd)
            case _:
                return Refused(code="bad_command", message="unknown command")
        return accepted(rt)

    async def _unlink(self, rt: SessionRuntime, *, forget: bool) -> None:
        """Unlink the device (already recorded in the log); WhatsApp errors are only logged."""
        client = rt.client
        try:
            if client is not None:
                await client.logout()
                if forget:
                    await client.forget()
        except Exception as exc:
            log.warning(
                "whatsapp.unlink_failed", tenant=rt.tenant, session=rt.session, error=str(exc)
            )
        await self.lifecycle.stop_client(rt)
        if rt.chat is not None:
            rt.chat.stop()

    async def create(self, cmd: CreateSession) -> CommandReply:
        if cmd.session in self.core.runtimes:
            return Refused(code="already_exists", message="session already exists")
        if not cmd.name.strip():
            return Refused(code="invalid_name", message="a session needs a name")
        if self.quota is None:
            return await self._create(cmd)
        try:
            async with self.quota.admitting(cmd.tenant) as over:
                return over or await self._create(cmd)
        except TenantBusy:
            return Refused(code="unavailable", message="the tenant's lock is busy; try again")

    async def _create(self, cmd: CreateSession) -> CommandReply:
        rt = self.core.adopt(Session(tenant=cmd.tenant, session=cmd.session, pacing=cmd.pacing))
        try:
            async with rt.lock:
                events: list[Event] = [SessionCreated(name=cmd.name, pacing=cmd.pacing)]
                if cmd.typing_before_send:
                    events.append(SessionOptionsChanged(typing_before_send=True))
                await self.core.append(rt, events, cmd.correlation_id)
        except BaseException:
            self.core.runtimes.pop(cmd.session, None)
            raise
        self.lifecycle.ensure_outbox(rt)
        return accepted(rt)

    async def send(self, rt: SessionRuntime, cmd: SendText | SendMedia | SendCard) -> CommandReply:
        try:
            address = parse_address(cmd.to, self.core.deps.default_region)
        except InvalidAddress as exc:
            return Refused(
                code="invalid_address", message=exc.message, details={"reason": exc.reason}
            )
        text = cmd.text if isinstance(cmd, SendText) else ""
        media = cmd.media if isinstance(cmd, SendMedia) else None
        text = media.caption or "" if media is not None else text
        card = cmd if isinstance(cmd, SendCard) else None
        if card is not None and (card.location is None) == (card.contact is None):
            return Refused(code="validation_failed", message="a card is a location or a contact")
        if (
            media is None and card is None and not text.strip()
        ):  # as reminders: whitespace alone is no message
            return Refused(code="invalid_text", message="the text is empty or only whitespace")
        message_id = cmd.message_id or new_id()
        if not is_valid_id(message_id):
            return Refused(code="invalid_message_id", message="message ids are [A-Za-z0-9_-]{1,64}")
        if rt.state.knows_message(message_id):  # a retried command: nothing new is queued
            return Accepted(session=rt.session, message_id=message_id, status="queued")
        events = transitions.queue_send(
            rt.state,
            message_id=message_id,
            chat_jid=address.jid,
            text=text,
            reminder_id=cmd.reminder_id if isinstance(cmd, SendText) else None,
            media=media,
            quote=cmd.reply_to,
            location=card.location if card else None,
            contact=card.contact if card else None,
        )
        await self.core.append(rt, events, cmd.correlation_id)
        return Accepted(
            session=rt.session, message_id=message_id, status="queued", sequence=rt.last_sequence
        )
