"""Chat commands: read receipts and presence (queued, paced), number checks and profile
pictures (answered, each uncached lookup paced), session options. All behind the gate."""

import asyncio
import math
from collections.abc import Awaitable, Callable
from typing import TypeVar

from contracts.addresses import AddressKind, InvalidAddress, parse_address
from contracts.chat_commands import (
    CheckNumbers,
    GetProfilePicture,
    MarkChatRead,
    NumberCheck,
    NumbersChecked,
    ProfilePicture,
    ReadRef,
    SendPresence,
    SetSessionOptions,
)
from contracts.commands import Accepted, CommandReply, Refused
from contracts.events import ContactUpdated, SessionOptionsChanged
from services.session.adapters.whatsapp.port import SendFailed, WhatsAppClient
from services.session.domain.errors import Refusal
from services.session.service_layer.chat_runtime import ChatRuntime, PacedJob
from services.session.service_layer.chat_worker import run_chat_actions
from services.session.service_layer.core import SessionCore
from services.session.service_layer.runtime import SessionRuntime

__all__ = ["CHAT_COMMANDS", "ChatHandlers"]

T = TypeVar("T")
CHAT_COMMANDS = (MarkChatRead, SendPresence, CheckNumbers, GetProfilePicture, SetSessionOptions)
ChatCommand = MarkChatRead | SendPresence | CheckNumbers | GetProfilePicture | SetSessionOptions


class RateLimited(Refusal):
    def __init__(self, wait_s: float) -> None:
        super().__init__("rate_limited", f"paced: try again in {math.ceil(wait_s)} s")
        self.retry_after_s = math.ceil(wait_s)


def _gate(rt: SessionRuntime) -> None:
    if rt.state.status != "connected" or rt.client is None:
        raise Refusal("not_connected", f"the session is {rt.state.status}; nothing was sent")


class ChatHandlers:
    def __init__(self, core: SessionCore) -> None:
        self.core = core

    async def handle(self, rt: SessionRuntime, cmd: ChatCommand) -> CommandReply:
        try:
            match cmd:
                case CheckNumbers():
                    return await self.check(rt, cmd)
                case GetProfilePicture():
                    return await self.picture(rt, cmd)
            async with rt.lock:
                match cmd:
                    case MarkChatRead():
                        return self.mark_read(rt, cmd)
                    case SendPresence():
                        _gate(rt)
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

    def _chat(self, rt: SessionRuntime) -> ChatRuntime:
        if rt.chat is None:
            policy = self.core.deps.chat
            rt.chat = ChatRuntime(
                number_ttl_s=policy.number_ttl_s, picture_ttl_s=policy.picture_ttl_s
            )
        chat = rt.chat
        if chat.task is None or chat.task.done():
            chat.task = self.core.spawn(run_chat_actions(self.core, rt, chat))
        return chat

    def _queue(self, rt: SessionRuntime, job: PacedJob) -> None:
        chat = self._chat(rt)
        chat.queue.push(job)
        chat.ready.set()

    def mark_read(self, rt: SessionRuntime, cmd: MarkChatRead) -> CommandReply:
        _gate(rt)
        chat = self._chat(rt)
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

    async def _paced(self, rt: SessionRuntime, call: Callable[[WhatsAppClient], Awaitable[T]]) -> T:
        """One lookup in the session's pacer schedule: refused when its slot is too far off."""
        _gate(rt)
        loop = asyncio.get_running_loop()
        wait = rt.pacer.reserve(loop.time()) - loop.time()
        if wait > self.core.deps.chat.call_wait_s:
            raise RateLimited(wait)
        await asyncio.sleep(max(0.0, wait))
        client = rt.client
        if client is None or rt.state.status != "connected":
            raise Refusal("not_connected", "the session went offline; nothing was sent")
        try:
            return await call(client)
        except SendFailed as exc:
            raise Refusal("whatsapp_failed", str(exc)) from exc

    async def check(self, rt: SessionRuntime, cmd: CheckNumbers) -> CommandReply:
        if not 1 <= len(cmd.phones) <= self.core.deps.chat.max_numbers:
            return Refused(
                code="validation_failed",
                message="check 1 to 50 numbers at once",
                details={"max": self.core.deps.chat.max_numbers},
            )
        digits: list[str] = []
        for index, phone in enumerate(cmd.phones):
            try:
                address = parse_address(phone, self.core.deps.default_region)
            except InvalidAddress as exc:
                return Refused(
                    code="invalid_phone",
                    message=exc.message,
                    details={"index": index, "reason": exc.reason},
                )
            if address.kind != AddressKind.USER or address.phone_number is None:
                return Refused(
                    code="invalid_phone", message="not a phone number", details={"index": index}
                )
            digits.append(address.phone_number.lstrip("+"))
        _gate(rt)
        chat, now = self._chat(rt), asyncio.get_running_loop().time()
        missing = sorted({d for d in digits if not chat.numbers.get(d, now)[0]})
        if missing:
            answers = await self._paced(rt, lambda client: client.check_numbers(missing))
            now = asyncio.get_running_loop().time()
            for digit, answer in zip(missing, answers, strict=False):
                chat.numbers.put(digit, answer, now)
                await self._link(rt, answer)
        results = []
        for phone, digit in zip(cmd.phones, digits, strict=True):
            found, cached = chat.numbers.get(digit, now)
            answer = cached if found and cached else NumberCheck(input=digit, on_whatsapp=False)
            results.append(
                NumberCheck(
                    input=phone, on_whatsapp=answer.on_whatsapp, jid=answer.jid, lid=answer.lid
                )
            )
        return NumbersChecked(results=results)

    async def _link(self, rt: SessionRuntime, answer: NumberCheck) -> None:
        """A number's phone JID and LID, newly seen together: one contact from now on."""
        if answer.jid is None or answer.lid is None:
            return
        known = rt.contacts.get(answer.jid)
        if known is not None and known[0] == answer.lid:
            return
        rt.contacts[answer.jid] = (answer.lid, known[1] if known else None)
        phone = "+" + answer.jid.split("@", 1)[0]
        event = ContactUpdated(jid=answer.jid, lid=answer.lid, phone_number=phone)
        await self.core.publish_fact(rt, event, None)

    async def picture(self, rt: SessionRuntime, cmd: GetProfilePicture) -> CommandReply:
        chat = self._chat(rt)
        _gate(rt)
        found, data = chat.pictures.get(cmd.jid, asyncio.get_running_loop().time())
        if not found:
            data = await self._paced(rt, lambda client: client.profile_picture(cmd.jid))
            chat.pictures.put(cmd.jid, data, asyncio.get_running_loop().time())
        return ProfilePicture(data=data)
