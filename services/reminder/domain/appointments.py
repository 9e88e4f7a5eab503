"""Appointments: which reminders an appointment needs, and how a move changes them."""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from services.reminder.domain.texts import render

__all__ = ["DEFAULT_TEMPLATE", "ExistingReminder", "MovePlan", "Planned", "plan", "plan_move"]

DEFAULT_TEMPLATE = "Reminder: {title} on {date} at {time}"
PENDING = frozenset({"scheduled", "deferred", "retrying"})


@dataclass(frozen=True, kw_only=True)
class Planned:
    lead: timedelta
    due_at: datetime
    text: str


@dataclass(frozen=True, kw_only=True)
class ExistingReminder:
    reminder_id: str
    lead: timedelta
    status: str


@dataclass(frozen=True, kw_only=True)
class MovePlan:
    reschedule: list[tuple[str, Planned]]
    create: list[Planned]
    cancel: list[str]


def plan(
    *,
    title: str,
    starts_at: datetime,
    leads: Sequence[timedelta],
    template: str | None,
    fields: Mapping[str, str],
    now: datetime,
) -> list[Planned]:
    """One reminder per distinct lead time whose due time is still ahead, earliest first."""
    values = {
        **fields,
        "title": title,
        "starts_at": starts_at.isoformat(),
        "date": starts_at.strftime("%Y-%m-%d"),
        "time": starts_at.strftime("%H:%M"),
    }
    text = render(None, template or DEFAULT_TEMPLATE, values)
    due = [(lead, starts_at - lead) for lead in sorted(set(leads), reverse=True)]
    return [Planned(lead=lead, due_at=at, text=text) for lead, at in due if at > now]


def plan_move(existing: Sequence[ExistingReminder], planned: Sequence[Planned]) -> MovePlan:
    """Pending reminders follow the appointment; a sent one gets a successor; in-flight stay."""
    by_lead = {r.lead: r for r in existing if r.status in PENDING or r.status == "dispatched"}
    wanted = {p.lead for p in planned}
    reschedule: list[tuple[str, Planned]] = []
    create: list[Planned] = []
    for item in planned:
        current = by_lead.get(item.lead)
        if current is None:
            create.append(item)
        elif current.status in PENDING:
            reschedule.append((current.reminder_id, item))
    cancel = [r.reminder_id for r in existing if r.status in PENDING and r.lead not in wanted]
    return MovePlan(reschedule=reschedule, create=create, cancel=cancel)
