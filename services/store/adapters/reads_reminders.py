"""Reads of reminders, appointments and the counters for /metrics; filtered by tenant."""

from collections.abc import Sequence
from typing import Any

import msgspec
from sqlalchemy import Select, and_, func, or_, select
from sqlalchemy.engine import RowMapping
from sqlalchemy.ext.asyncio import AsyncConnection

from contracts.queries import (
    AppointmentList,
    AppointmentView,
    GetAppointment,
    GetReminder,
    GetStats,
    ListAppointments,
    ListReminders,
    ReminderHistoryEntry,
    ReminderList,
    ReminderView,
    Stats,
)
from services.store.adapters.projection import read_position
from services.store.adapters.reads import view
from services.store.adapters.tables import (
    appointments,
    messages,
    reminder_history,
    reminders,
    send_failures,
    session_disconnects,
    sessions,
)
from services.store.domain.cursors import TimeCursor, decode_cursor, encode_cursor

__all__ = ["get_appointment", "get_reminder", "get_stats", "list_appointments", "list_reminders"]


def _reminder(row: RowMapping, history: list[ReminderHistoryEntry] | None = None) -> ReminderView:
    base = view(ReminderView, row, session="session_id")
    return base if history is None else msgspec.structs.replace(base, history=history)


async def get_reminder(conn: AsyncConnection, q: GetReminder) -> ReminderView | None:
    r, h = reminders.c, reminder_history.c
    stmt = select(reminders).where(r.tenant == q.tenant, r.id == q.reminder_id)
    row = (await conn.execute(stmt)).mappings().first()
    if row is None:
        return None
    steps = select(h.sequence, h.event, h.at, h.detail).where(
        h.tenant == q.tenant, h.reminder_id == q.reminder_id
    )
    rows = (await conn.execute(steps.order_by(h.sequence))).mappings().all()
    return _reminder(row, [view(ReminderHistoryEntry, s) for s in rows])


async def _page(
    conn: AsyncConnection, stmt: Select[Any], at: Any, key: Any, cursor: str | None, limit: int
) -> tuple[Sequence[RowMapping], str | None]:
    """One page of ``stmt`` by (``at``, ``key``) after ``cursor``, and the next page's cursor."""
    if cursor is not None:
        after = decode_cursor(cursor, TimeCursor)
        stmt = stmt.where(or_(at > after.at, and_(at == after.at, key > after.key)))
    rows = (await conn.execute(stmt.order_by(at, key).limit(limit + 1))).mappings().all()
    if len(rows) <= limit:
        return rows, None
    last = rows[limit - 1]
    return rows[:limit], encode_cursor(TimeCursor(last[at.name], last[key.name]))


async def list_reminders(conn: AsyncConnection, q: ListReminders) -> ReminderList:
    r = reminders.c
    stmt = select(reminders).where(r.tenant == q.tenant)
    if q.session_id is not None:
        stmt = stmt.where(r.session_id == q.session_id)
    if q.status is not None:
        stmt = stmt.where(r.status == q.status)
    rows, cursor = await _page(conn, stmt, r.due_at, r.id, q.cursor, q.limit)
    return ReminderList(items=[_reminder(x) for x in rows], next_cursor=cursor)


async def get_appointment(conn: AsyncConnection, q: GetAppointment) -> AppointmentView | None:
    a, r = appointments.c, reminders.c
    stmt = select(appointments).where(a.tenant == q.tenant, a.id == q.appointment_id)
    row = (await conn.execute(stmt)).mappings().first()
    if row is None:
        return None
    own = select(reminders).where(r.tenant == q.tenant, r.appointment_id == q.appointment_id)
    rows = (await conn.execute(own.order_by(r.due_at, r.id))).mappings().all()
    appointment = view(AppointmentView, row, session="session_id")
    return msgspec.structs.replace(appointment, reminders=[_reminder(x) for x in rows])


async def list_appointments(conn: AsyncConnection, q: ListAppointments) -> AppointmentList:
    a, r = appointments.c, reminders.c
    stmt = select(appointments).where(a.tenant == q.tenant, a.starts_at.is_not(None))
    if q.session_id is not None:
        stmt = stmt.where(a.session_id == q.session_id)
    if q.status is not None:
        stmt = stmt.where(a.status == q.status)
    rows, cursor = await _page(conn, stmt, a.starts_at, a.id, q.cursor, q.limit)
    ids = [row["id"] for row in rows]
    by_appointment: dict[str, list[ReminderView]] = {i: [] for i in ids}
    if ids:  # the page's reminders in one read
        own = select(reminders).where(r.tenant == q.tenant, r.appointment_id.in_(ids))
        for x in (await conn.execute(own.order_by(r.due_at, r.id))).mappings().all():
            by_appointment[x["appointment_id"]].append(_reminder(x))
    items = [
        msgspec.structs.replace(
            view(AppointmentView, row, session="session_id"), reminders=by_appointment[row["id"]]
        )
        for row in rows
    ]
    return AppointmentList(items=items, next_cursor=cursor)


async def get_stats(conn: AsyncConnection, q: GetStats) -> Stats:
    async def by_status(table: object) -> dict[str, int]:
        col = table.c  # type: ignore[attr-defined]
        stmt = select(col.status, func.count()).group_by(col.status)
        if q.tenant is not None:
            stmt = stmt.where(col.tenant == q.tenant)
        return {str(s): int(n) for s, n in (await conn.execute(stmt)).all()}

    async def count(table: object, *where: object) -> int:
        col = table.c  # type: ignore[attr-defined]
        stmt = select(func.count()).select_from(table).where(*where)  # type: ignore[arg-type]
        if q.tenant is not None:
            stmt = stmt.where(col.tenant == q.tenant)
        return int(await conn.scalar(stmt) or 0)

    return Stats(
        tenant=q.tenant,
        sessions_by_status=await by_status(sessions),
        messages_by_status=await by_status(messages),
        sends_failed=await count(send_failures),
        reminders_by_status=await by_status(reminders),
        reconnect_attempts=await count(
            session_disconnects, session_disconnects.c.will_retry.is_(True)
        ),
        events_projected=await read_position(conn),
    )
