"""Actions on a message, decided by the pure session domain: refusals, the edit window on a
fake clock, and the fact recorded once WhatsApp took one (which finishes the pending item)."""

from datetime import timedelta

import pytest

from contracts.conversation import Edit, MessageRef, React, Revoke
from contracts.emoji import is_single_emoji
from contracts.events import MessageActionQueued, MessageEdited, MessageReacted, MessageRevoked
from services.session.domain import transitions as t
from services.session.domain.actions import own_user_jid
from services.session.domain.errors import Refusal
from services.session.domain.session import Session
from tests.unit.session.test_domain_session import T0, applied, connected_session

WINDOW = timedelta(minutes=15)
CHAT = "201000000001@s.whatsapp.net"
OURS = MessageRef(message_id="o1", chat_jid=CHAT, from_me=True, sent_at=T0)
THEIRS = MessageRef(message_id="i1", chat_jid=CHAT, sender_jid=CHAT, sent_at=T0)


def queue(s: Session, target: MessageRef, action: object, after: timedelta = timedelta()) -> list:  # type: ignore[type-arg]
    return t.queue_action(s, action_id="a1", target=target, action=action,  # type: ignore[arg-type]
                          now=T0 + after, edit_window=WINDOW)  # fmt: skip


@pytest.mark.parametrize(
    ("target", "action", "after", "code"),
    [
        (THEIRS, React(emoji="ok"), timedelta(), "invalid_emoji"),
        (THEIRS, Edit(text="x"), timedelta(), "not_own_message"),
        (THEIRS, Revoke(), timedelta(), "not_own_message"),
        (OURS, Edit(text="  "), timedelta(), "invalid_text"),
        (MessageRef(message_id="o2", chat_jid=CHAT, from_me=True, sent_at=T0, kind="location"),
         Edit(text="x"), timedelta(), "not_editable"),
        (OURS, Edit(text="x"), WINDOW + timedelta(seconds=1), "edit_window_passed"),
        (MessageRef(message_id="q", chat_jid=CHAT, from_me=True), React(emoji="👍"), timedelta(),
         "not_sent"),
    ],
)  # fmt: skip
def test_refusals(target: MessageRef, action: object, after: timedelta, code: str) -> None:
    with pytest.raises(Refusal) as refused:
        queue(connected_session(), target, action, after)
    assert refused.value.code == code


def test_an_offline_session_queues_nothing() -> None:
    s = connected_session()
    applied(s, t.logged_out(s, "logout"))
    with pytest.raises(Refusal) as refused:
        queue(s, THEIRS, React(emoji="👍"))
    assert refused.value.code == "not_connected"


def test_within_the_window_an_edit_is_queued_then_its_fact_finishes_it() -> None:
    s = connected_session()
    events = queue(s, OURS, Edit(text="fixed"), WINDOW)  # the last moment still counts
    assert events == [MessageActionQueued(action_id="a1", chat_jid=CHAT, target=OURS,
                                          action=Edit(text="fixed"))]  # fmt: skip
    applied(s, events)
    assert s.knows_message("a1") and s.pending["a1"].action == Edit(text="fixed")
    done = t.send_succeeded(s, "a1", T0 + WINDOW)
    assert done == [MessageEdited(message_id="o1", chat_jid=CHAT, sender_jid=own_user_jid(s),
                                  from_me=True, text="fixed", edited_at=T0 + WINDOW,
                                  action_id="a1")]  # fmt: skip
    applied(s, done)
    assert "a1" not in s.pending and s.knows_message("a1")


def test_reactions_and_revokes_record_their_facts_as_ours() -> None:
    s = connected_session()
    assert own_user_jid(s) == "201234567890@s.whatsapp.net"  # without the device
    for action, kind in ((React(emoji="👍🏽"), MessageReacted), (Revoke(), MessageRevoked)):
        target = THEIRS if isinstance(action, React) else OURS
        applied(s, queue(s, target, action))
        [fact] = t.send_succeeded(s, "a1", T0)
        assert isinstance(fact, kind) and fact.from_me and fact.message_id == target.message_id
        applied(s, [fact])


def test_an_incoming_fact_leaves_the_remembered_sends_alone() -> None:
    s = connected_session()
    incoming = MessageReacted(message_id="o1", chat_jid=CHAT, sender_jid=CHAT, emoji="👍",
                              reacted_at=T0, action_id="3EB0R")  # fmt: skip
    applied(s, [incoming])
    assert s.finished == [] and not s.knows_message("3EB0R")


@pytest.mark.parametrize("text", ["👍", "❤️", "👍🏽", "👨‍👩‍👧‍👦", "🇪🇬", "1️⃣", "🏴󠁧󠁢󠁥󠁮󠁧󠁿", "🏳️‍🌈"])
def test_one_emoji(text: str) -> None:
    assert is_single_emoji(text)


@pytest.mark.parametrize("text", ["", "a", "👍👍", "👍a", "1", "🇪", "\u200d👍", "👍\u200d", "🏽"])
def test_not_one_emoji(text: str) -> None:
    assert not is_single_emoji(text)
