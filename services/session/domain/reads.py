"""Decisions about our read receipts: queued (one receipt per sender in a group) for the
outbox, then their fact once WhatsApp took them. They change nothing themselves."""

from collections.abc import Callable

from contracts.chat_commands import ReadRef
from contracts.events import ChatRead, ChatReadQueued, Event
from services.session.domain.session import PendingSend, Session

__all__ = ["queue_read", "queued_reads", "read_done"]


def queued_reads(s: Session, chat_jid: str) -> set[str]:
    """The chat's message ids whose read receipt is queued and not sent yet."""
    return {
        ref.message_id
        for item in s.pending.values()
        if item.reads is not None and item.chat_jid == chat_jid
        for ref in item.reads
    }


def queue_read(
    s: Session, *, chat_jid: str, messages: list[ReadRef], make_id: Callable[[], str]
) -> list[Event]:
    """Receipts for the messages not queued already (a retried request queues nothing)."""
    queued = queued_reads(s, chat_jid)
    group = chat_jid.endswith("@g.us")
    by_sender: dict[str | None, list[ReadRef]] = {}
    for ref in messages:  # a group's receipts name the sender: one call per sender
        if ref.message_id not in queued:
            queued.add(ref.message_id)
            by_sender.setdefault(ref.sender_jid if group else None, []).append(ref)
    return [
        ChatReadQueued(read_id=make_id(), chat_jid=chat_jid, messages=refs, sender_jid=sender)
        for sender, refs in by_sender.items()
    ]


def read_done(item: PendingSend) -> list[Event]:
    """The fact of a receipt WhatsApp took; ``up_to``: the newest message's time."""
    if not item.reads:
        return []
    return [
        ChatRead(
            chat_jid=item.chat_jid,
            message_ids=[ref.message_id for ref in item.reads],
            sender_jid=item.read_sender,
            up_to=max(ref.sent_at for ref in item.reads),
        )
    ]
