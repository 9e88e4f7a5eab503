"""Reminders at a fixed time for the pure domain tests."""

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

from services.reminder.domain.change import Change
from services.reminder.domain.model import ReminderRow, new_reminder

NOW = datetime(2026, 1, 1, 9, 0, tzinfo=UTC)
S = timedelta(seconds=1)


def row(**values: Any) -> ReminderRow:
    """A reminder of session s1 due now, in ``status`` (and any other given value)."""
    base: dict[str, Any] = {"id": "r1", "message_id": "3EB0AA", "tenant": "t1", "session": "s1",
                            "to_jid": "20100@s.whatsapp.net", "text": "hi", "due_at": NOW,
                            "created_at": NOW - 60 * S}  # fmt: skip
    status = values.pop("status", "scheduled")
    return replace(new_reminder(**{**base, **values}), status=status)


def after(change: Change | None) -> ReminderRow:
    assert change is not None
    return change.after
