"""What a message view added from the conversation tables before the lean reads (its card,
reactions, earlier texts): part of reference_reads.py."""

from collections import defaultdict
from collections.abc import Sequence

import msgspec
from sqlalchemy import select, tuple_
from sqlalchemy.engine import RowMapping
from sqlalchemy.ext.asyncio import AsyncConnection

from contracts.conversation import ContactCard, Location
from contracts.queries import EarlierText, MessageView, ReactionView
from services.store.adapters.tables import message_edits, message_reactions

__all__ = ["with_conversation"]

_location = msgspec.json.Decoder(Location)
_contact = msgspec.json.Decoder(ContactCard)
Key = tuple[str, str, str]


def _cards(view: MessageView, row: RowMapping) -> MessageView:
    location, contact = row["location"], row["contact"]
    return msgspec.structs.replace(
        view,
        location=_location.decode(location) if location else None,
        contact=_contact.decode(contact) if contact else None,
    )


async def with_conversation(
    conn: AsyncConnection, views: Sequence[MessageView], rows: Sequence[RowMapping]
) -> list[MessageView]:
    """``views`` (built from ``rows``) with their cards, reactions and earlier texts."""
    if not views:
        return []
    keys = [(v.tenant, v.session, v.message_id) for v in views]
    r, e = message_reactions.c, message_edits.c
    reactions: dict[Key, list[ReactionView]] = defaultdict(list)
    stmt = select(message_reactions).where(tuple_(r.tenant, r.session_id, r.message_id).in_(keys))
    for row in (await conn.execute(stmt.order_by(r.at, r.sender_jid))).mappings():
        reactions[(row["tenant"], row["session_id"], row["message_id"])].append(
            ReactionView(
                sender_jid=row["sender_jid"],
                from_me=row["from_me"],
                emoji=row["emoji"],
                at=row["at"],
            )
        )
    earlier: dict[Key, list[EarlierText]] = defaultdict(list)
    edited = [k for k, v in zip(keys, views, strict=True) if v.edited_at is not None]
    if edited:
        stmt = select(message_edits).where(tuple_(e.tenant, e.session_id, e.message_id).in_(edited))
        for row in (await conn.execute(stmt.order_by(e.sequence))).mappings():
            earlier[(row["tenant"], row["session_id"], row["message_id"])].append(
                EarlierText(text=row["text"], replaced_at=row["replaced_at"])
            )
    return [
        msgspec.structs.replace(
            _cards(v, row), reactions=reactions.get(k, []), earlier_texts=earlier.get(k, [])
        )
        for k, v, row in zip(keys, views, rows, strict=True)
    ]
