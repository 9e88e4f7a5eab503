"""What a message's JSON takes from the conversation tables, built by the database in the
same statement as the message: its cards (stored JSON, embedded as it is), its reactions
(oldest first) and its earlier texts (oldest first) as arrays of correlated subqueries.

SQLite (3.40 has no ``ORDER BY`` inside an aggregate) aggregates an ordered subquery, whose
order ``json_group_array`` keeps; its values lose their JSON subtype on the way out of a
subquery, so each is re-read with ``json()``. PostgreSQL: ``json_agg(… ORDER BY …)``.
"""

from typing import Any

from sqlalchemy import JSON, case, cast, exists, func, literal_column, select
from sqlalchemy.dialects.postgresql import aggregate_order_by

from contracts.queries import EarlierText, ReactionView
from services.store.adapters.json_rows import Expr, json_object_of, sql_text
from services.store.adapters.tables import message_edits, message_reactions, messages

__all__ = ["conversation_fields"]


def _stored(col: Any, dialect: str) -> Expr:
    """A JSON text column as a JSON value (NULL stays null)."""
    return func.json(col) if dialect == "sqlite" else cast(col, JSON)


def _array(obj: Expr, where: list[Any], order: list[Any], dialect: str) -> Expr:
    """The JSON array of ``obj`` over the rows matching ``where``, in ``order``; ``[]``: none."""
    if dialect == "sqlite":
        rows = select(obj.label("o")).where(*where).order_by(*order).correlate(messages)
        inner = rows.subquery()
        found = func.json(select(func.json_group_array(func.json(inner.c.o))).scalar_subquery())
        # Most messages have none: one index probe then, not a subquery and its aggregate
        # (a tenth of a page's instructions); json('[]') is evaluated once per statement.
        some = exists(select(literal_column("1")).where(*where).correlate(messages))
        return case((some, found), else_=func.json(sql_text("[]")))
    agg = func.json_agg(aggregate_order_by(obj, *order))
    empty = cast(sql_text("[]"), JSON)
    return select(func.coalesce(agg, empty)).where(*where).correlate(messages).scalar_subquery()


def conversation_fields(dialect: str) -> dict[str, Expr]:
    """MessageView's fields that are not plain columns of ``messages`` (besides media)."""
    m, r, e = messages.c, message_reactions.c, message_edits.c
    reacted = [r.tenant == m.tenant, r.session_id == m.session_id, r.message_id == m.message_id]
    edited = [e.tenant == m.tenant, e.session_id == m.session_id, e.message_id == m.message_id]
    reactions = json_object_of(ReactionView, message_reactions, dialect)
    texts = json_object_of(EarlierText, message_edits, dialect)
    earlier = _array(texts, edited, [e.sequence], dialect)
    none = _stored(sql_text("[]"), dialect)
    return {
        "location": _stored(m.location, dialect),
        "contact": _stored(m.contact, dialect),
        "reactions": _array(reactions, reacted, [r.at, r.sender_jid], dialect),
        "earlier_texts": case((m.edited_at.is_(None), none), else_=earlier),  # as read before
    }
