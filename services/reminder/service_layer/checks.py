"""Checks every reminder command passes before anything changes; each failure is a Refused."""

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta

from contracts.addresses import InvalidAddress, parse_address
from contracts.commands import Refused
from contracts.ids import is_valid_id
from services.reminder.domain.errors import Refusal
from services.reminder.service_layer.ports import ScheduleReads

__all__ = ["Checks", "Rejected", "invalid", "refused"]

MAX_LEAD = timedelta(days=366)
MAX_AHEAD = timedelta(days=100 * 366)  # a cap on the setting: datetime arithmetic stays in range


class Rejected(Exception):
    """A command that must be refused; carries the reply."""

    def __init__(self, reply: Refused) -> None:
        super().__init__(reply.message)
        self.reply = reply


def invalid(field: str, message: str) -> Rejected:
    return Rejected(Refused(code="validation_failed", message=message, details={"field": field}))


def refused(refusal: Refusal) -> Rejected:
    """The domain's refusal, as the reply."""
    return Rejected(Refused(code=refusal.code, message=refusal.message, details=refusal.details))


class Checks:
    def __init__(
        self,
        reads: ScheduleReads,
        catch_up: Callable[[], Awaitable[None]],
        default_region: str,
        max_ahead: timedelta = timedelta(days=366),
    ) -> None:
        self.reads = reads
        self.catch_up = catch_up
        self.default_region = default_region
        self.max_ahead = min(max_ahead, MAX_AHEAD)

    def ids(self, **ids: str | None) -> None:
        for name, value in ids.items():
            if value is not None and not is_valid_id(value):
                raise invalid(name, f"{name} must match [A-Za-z0-9_-]{{1,64}}")

    def future(self, name: str, when: datetime, now: datetime) -> None:
        """In the future, and at most ``max_ahead`` from ``now``."""
        if when.tzinfo is None or when.utcoffset() is None:
            raise invalid(name, f"{name} must carry a timezone (e.g. 2026-05-01T09:00:00+02:00)")
        try:
            when.astimezone(UTC)  # 9999-12-31T23:59:59-00:01 is past what UTC can hold
        except OverflowError as exc:
            raise invalid(name, f"{name} is out of range once converted to UTC") from exc
        if when <= now:
            raise Rejected(Refused(code="due_in_past", message=f"{name} is not in the future",
                                   details={"field": name, "now": now.isoformat()}))  # fmt: skip
        latest = now + self.max_ahead
        if when > latest:
            details = {"field": name, "latest": latest.isoformat()}
            message = f"{name} is too far ahead"
            raise Rejected(Refused(code="too_far_ahead", message=message, details=details))

    def aware(self, name: str, when: datetime) -> None:
        if when.tzinfo is None or when.utcoffset() is None:
            raise invalid(name, f"{name} must carry a timezone")

    def leads(self, leads: list[timedelta]) -> None:
        if not leads:
            raise invalid("remind_before", "give at least one lead time, e.g. PT1H")
        if len(leads) > 10:
            raise invalid("remind_before", "at most 10 lead times")
        if any(lead < timedelta(0) or lead > MAX_LEAD for lead in leads):
            raise invalid("remind_before", "lead times must be between PT0S and P366D")

    def address(self, to: str) -> str:
        """The parsed JID to send to."""
        try:
            return parse_address(to, self.default_region).jid
        except InvalidAddress as exc:
            details = {"reason": exc.reason, "field": "to"}
            reply = Refused(code="invalid_address", message=exc.message, details=details)
            raise Rejected(reply) from exc

    async def session(self, tenant: str, session: str) -> None:
        """Known to this tenant and not deleted; waits once for the log if not seen yet."""
        state = await self.reads.gate(session)
        if state is None:
            await self.catch_up()
            state = await self.reads.gate(session)
        if state is None or state.tenant != tenant or state.deleted:
            raise Rejected(Refused(code="not_found", message="no such session",
                                   details={"field": "session"}))  # fmt: skip
