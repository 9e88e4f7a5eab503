"""Contact changes that would change nothing are left out; what is remembered is forgotten
whenever it may no longer hold."""

from datetime import UTC, datetime

from services.store.domain.batching import plan_runs
from services.store.domain.changes import RowChange
from services.store.domain.contacts import contact_changes
from services.store.domain.known_contacts import KnownContacts

AT = datetime(2026, 3, 1, tzinfo=UTC)
PHONE, LID = "201000000002@s.whatsapp.net", "99887766@lid"
WRITING = ["contact.by_phone", "contact.linked", "contact.by_lid"]


def contact(
    jid: str, push: str | None, *, lid: str | None = None, session: str = "s1"
) -> RowChange:
    (change,) = contact_changes("t1", session, AT, jid, lid, None, push, None)
    return change


def kept(known: KnownContacts, *changes: RowChange) -> list[str | None]:
    """The push names of the changes batching keeps, in the order they run."""
    return [params["push_name"] for run in plan_runs(changes, known) for params in run.params]


def test_the_same_change_again_is_left_out_and_a_new_value_is_not() -> None:
    known = KnownContacts(WRITING)
    assert kept(known, contact(PHONE, "Mona"), contact(PHONE, "Mona")) == ["Mona"]
    assert kept(known, contact(PHONE, "Mona")) == []  # across batches too
    assert kept(known, contact(PHONE, "Mona M"), contact(PHONE, "Mona")) == ["Mona M", "Mona"]
    other = contact(PHONE, "Mona", session="s2")  # another session's row: not known
    assert kept(known, other) == ["Mona"]


def test_a_link_is_remembered_apart_from_a_change_by_phone() -> None:
    known = KnownContacts(WRITING)
    linked = contact(PHONE, "Mona", lid=LID)
    assert kept(known, linked, linked) == ["Mona"]
    # the same values by phone alone: another statement, sent once, and the link after it
    assert kept(known, contact(PHONE, "Mona"), linked, linked) == ["Mona", "Mona"]


def test_a_change_by_lid_forgets_its_session_only() -> None:
    known = KnownContacts(WRITING)
    kept(known, contact(PHONE, "Mona"), contact(PHONE, "Mona", session="s2"))
    by_lid = contact(LID, "Mona by LID")
    assert kept(known, by_lid, contact(PHONE, "Mona")) == ["Mona by LID", "Mona"]
    assert kept(known, contact(PHONE, "Mona", session="s2")) == []


def test_forgetting_and_overflowing_send_everything_again() -> None:
    known = KnownContacts(WRITING, capacity=2)
    kept(known, contact(PHONE, "Mona"))
    known.forget()
    assert kept(known, contact(PHONE, "Mona")) == ["Mona"]
    kept(known, contact("201000000003@s.whatsapp.net", "Nour"))
    kept(known, contact("201000000004@s.whatsapp.net", "Omar"))  # a third row: starts over
    assert kept(known, contact(PHONE, "Mona")) == ["Mona"]


def test_changes_of_other_tables_pass_unseen() -> None:
    known = KnownContacts(WRITING)
    change = RowChange("chat.message", (("chat", "t1", "s1", PHONE),), {"tenant": "t1"})
    (run,) = plan_runs([change, change], known)
    assert run.params == [change.params, change.params]
