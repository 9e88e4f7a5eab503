"""Projection rules of reminder events: the reminder's row and one history entry per event."""

from contracts.envelope import Envelope
from contracts.events import (
    AppointmentCancelled,
    AppointmentMoved,
    AppointmentScheduled,
    ReminderCancelled,
    ReminderDeferred,
    ReminderDispatched,
    ReminderFailed,
    ReminderRescheduled,
    ReminderRetrying,
    ReminderScheduled,
    ReminderSent,
)
from services.store.domain.changes import Op, RowChange

__all__ = ["reminder_changes"]


def reminder_changes(sequence: int, env: Envelope) -> list[RowChange]:
    base = {"tenant": env.tenant, "session_id": env.session, "at": env.occurred_at}
    change: dict[str, object]
    match env.payload:
        case ReminderScheduled() as ev:
            row = {
                **base,
                "reminder_id": ev.reminder_id,
                "to": ev.to,
                "text": ev.text,
                "due_at": ev.due_at,
                "appointment_id": ev.appointment_id,
            }
            key = (("reminder", env.tenant, ev.reminder_id),)
            return [
                RowChange("reminder.scheduled", key, row),
                _history(sequence, env, ev.reminder_id, f"due {ev.due_at.isoformat()}"),
            ]
        case ReminderRescheduled() as ev:
            row = {**base, "reminder_id": ev.reminder_id, "text": ev.text, "due_at": ev.due_at}
            key = (("reminder", env.tenant, ev.reminder_id),)
            return [
                RowChange("reminder.rescheduled", key, row),
                _history(sequence, env, ev.reminder_id, f"due {ev.due_at.isoformat()}"),
            ]
        case AppointmentScheduled() | AppointmentMoved() | AppointmentCancelled():
            return _appointment(env)
        case ReminderDeferred() as ev:
            change = {"status": "deferred", "reason": ev.reason}
        case ReminderDispatched() as ev:
            change = {"status": "dispatched", "attempts": ev.attempt, "message_id": ev.message_id}
        case ReminderRetrying() as ev:
            change = {"status": "retrying", "reason": ev.reason, "attempts": ev.attempt}
        case ReminderSent() as ev:
            change = {"status": "sent", "message_id": ev.message_id}
        case ReminderFailed() as ev:
            change = {"status": "failed", "reason": ev.reason, "attempts": ev.attempts}
        case ReminderCancelled() as ev:
            change = {"status": "cancelled", "reason": ev.reason}
        case _:
            return []
    reminder_id: str = env.payload.reminder_id
    params = {"reason": None, "attempts": 0, "message_id": None, **change}
    detail = params["reason"] or params["message_id"]
    if isinstance(env.payload, ReminderRetrying):
        detail = f"{detail}; next attempt at {env.payload.retry_at.isoformat()}"
    return [
        RowChange(
            "reminder.changed",
            (("reminder", env.tenant, reminder_id),),
            {**base, **params, "reminder_id": reminder_id},
        ),
        _history(sequence, env, reminder_id, None if detail is None else str(detail)),
    ]


def _history(sequence: int, env: Envelope, reminder_id: str, detail: str | None) -> RowChange:
    params = {
        "tenant": env.tenant,
        "reminder_id": reminder_id,
        "event_id": env.id,
        "sequence": sequence,
        "event": env.type,
        "at": env.occurred_at,
        "detail": detail,
    }
    return RowChange("reminder.history", (("history", env.id),), params)


def _appointment(env: Envelope) -> list[RowChange]:
    base = {"tenant": env.tenant, "session_id": env.session, "at": env.occurred_at}
    match env.payload:
        case AppointmentScheduled() as ev:
            op: Op = "appointment.scheduled"
            params = {
                **base,
                "appointment_id": ev.appointment_id,
                "to": ev.to,
                "title": ev.title,
                "starts_at": ev.starts_at,
            }
        case AppointmentMoved() as ev:
            op = "appointment.moved"
            params = {
                **base,
                "appointment_id": ev.appointment_id,
                "title": ev.title,
                "starts_at": ev.starts_at,
            }
        case AppointmentCancelled() as ev:
            op = "appointment.cancelled"
            params = {**base, "appointment_id": ev.appointment_id}
        case _:
            return []
    key = (("appointment", env.tenant, str(params["appointment_id"])),)
    return [RowChange(op, key, params)]
