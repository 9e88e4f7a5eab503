"""The appointments of a tenant by start time, a page at a time, each with its reminders."""

from datetime import timedelta

from contracts.commands import Refused
from contracts.envelope import Envelope
from contracts.events import AppointmentCancelled, AppointmentScheduled, ReminderScheduled
from contracts.queries import AppointmentList, AppointmentStatusName, ListAppointments
from tests.integration.store.test_projection import T0, ev
from tests.integration.store.test_queries import Store, store

__all__ = ["store"]  # the fixture, shared with the other query tests

CHAT = "201000000001@s.whatsapp.net"


def appointment(n: int, hours: int, *, session: str = "s1", tenant: str = "t1") -> list[Envelope]:
    """Appointment ``a{n}`` starting ``hours`` after T0, with one reminder an hour before."""
    aid, rid = f"{tenant}-a{n}", f"{tenant}-r{n}"
    starts = T0 + timedelta(hours=hours)
    made = AppointmentScheduled(appointment_id=aid, to=CHAT, title=f"Visit {n}", starts_at=starts,
                                remind_before=[timedelta(hours=1)], reminder_ids=[rid])  # fmt: skip
    due = ReminderScheduled(reminder_id=rid, to=CHAT, text="soon",
                            due_at=starts - timedelta(hours=1), appointment_id=aid)  # fmt: skip
    base = 10 * n + (1000 if tenant != "t1" else 0)
    return [ev(made, base, session, tenant), ev(due, base + 1, session, tenant)]


async def pages(
    store: Store, session_id: str | None = None, status: AppointmentStatusName | None = None
) -> list[str]:
    seen: list[str] = []
    cursor: str | None = None
    while True:
        query = ListAppointments(
            tenant="t1", session_id=session_id, status=status, limit=2, cursor=cursor
        )
        page = await store.ask(query)
        assert isinstance(page, AppointmentList) and len(page.items) <= 2
        for item in page.items:
            assert [r.id for r in item.reminders] == [item.id.replace("-a", "-r")]
        seen += [a.id for a in page.items]
        if page.next_cursor is None:
            return seen
        cursor = page.next_cursor


async def test_appointments_are_listed_by_start_a_page_at_a_time(store: Store) -> None:
    hours = [5, 2, 9, 2, 7]  # two start at once: the id breaks the tie
    for n, h in enumerate(hours):
        await store.feed(*appointment(n, h, session="s2" if n == 4 else "s1"))
    await store.feed(ev(AppointmentCancelled(appointment_id="t1-a2"), 90))
    assert await pages(store) == ["t1-a1", "t1-a3", "t1-a0", "t1-a4", "t1-a2"]
    assert await pages(store, status="scheduled") == ["t1-a1", "t1-a3", "t1-a0", "t1-a4"]
    assert await pages(store, status="cancelled") == ["t1-a2"]
    assert await pages(store, session_id="s2") == ["t1-a4"]
    bad = await store.ask(ListAppointments(tenant="t1", cursor="bm9wZQ"))
    assert isinstance(bad, Refused) and bad.code == "bad_query"


async def test_another_tenants_appointments_never_appear(store: Store) -> None:
    await store.feed(*appointment(0, 3), *appointment(1, 1, tenant="t2"))
    await store.feed(*appointment(2, 2, session="s1", tenant="t2"))  # the same session name
    assert await pages(store) == ["t1-a0"]
    assert await pages(store, session_id="s1") == ["t1-a0"]
    theirs = await store.ask(ListAppointments(tenant="t2"))
    assert isinstance(theirs, AppointmentList)
    assert [a.id for a in theirs.items] == ["t2-a1", "t2-a2"]
    assert all(r.tenant == "t2" for a in theirs.items for r in a.reminders)
