"""Number checks and profile pictures: answered at once, from the session's cache or through
WhatsApp in the session's pacer schedule (a slot too far off is refused with when to retry)."""

import asyncio
import math
from collections.abc import Awaitable, Callable
from typing import TypeVar

from contracts.addresses import AddressKind, InvalidAddress, parse_address
from contracts.chat_commands import (
    CheckNumbers,
    GetProfilePicture,
    NumberCheck,
    NumbersChecked,
    ProfilePicture,
)
from contracts.commands import CommandReply, Refused
from contracts.events import ContactUpdated
from services.session.adapters.whatsapp.port import SendFailed, WhatsAppClient
from services.session.domain.errors import Refusal
from services.session.service_layer.chat_worker import chat_of, gate
from services.session.service_layer.owned_sessions import OwnedSessions
from services.session.service_layer.session_runtime import SessionRuntime

__all__ = ["MAX_PICTURE_BYTES", "Lookups", "RateLimited"]

T = TypeVar("T")
MAX_PICTURE_BYTES = 512 * 1024  # WhatsApp's are 640 px JPEGs, tens of KiB; NATS carries 1 MiB


class RateLimited(Refusal):
    def __init__(self, wait_s: float) -> None:
        super().__init__("rate_limited", f"paced: try again in {math.ceil(wait_s)} s")
        self.retry_after_s = math.ceil(wait_s)


class Lookups:
    def __init__(self, core: OwnedSessions) -> None:
        self.core = core

    async def _paced(self, rt: SessionRuntime, call: Callable[[WhatsAppClient], Awaitable[T]]) -> T:
        """One lookup in the session's pacer schedule: refused when its slot is too far off."""
        gate(rt)
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
        gate(rt)
        chat, now = chat_of(self.core, rt), asyncio.get_running_loop().time()
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
        chat = chat_of(self.core, rt)
        gate(rt)
        found, data = chat.pictures.get(cmd.jid, asyncio.get_running_loop().time())
        if not found:
            data = await self._paced(rt, lambda client: client.profile_picture(cmd.jid))
            if data is not None and len(data) > MAX_PICTURE_BYTES:  # a reply must fit NATS
                raise Refusal("whatsapp_failed", "the profile picture is larger than 512 KiB")
            chat.pictures.put(cmd.jid, data, asyncio.get_running_loop().time())
        return ProfilePicture(data=data)
