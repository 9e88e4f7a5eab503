"""What a message's JSON takes from the conversation tables: its cards (stored JSON, embedded
as it is), its reactions (oldest first) and its earlier texts (oldest first), the arrays as
correlated subqueries over ``messages``.

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

__all__ = ["card_fields", "conversation_arrays", "empty_array", "has_reactions"]

_m, _r, _e = messages.c, message_reactions.c, message_edits.c
_REACTED = [_r.tenant == _m.tenant, _r.session_id == _m.session_id, _r.message_id == _m.message_id]
_EDITED = [_e.tenant == _m.tenant, _e.session_id == _m.session_id, _e.message_id == _m.message_id]


def _stored(col: Any, dialect: str) -> Expr:
    """A JSON text column as a JSON value (NULL stays null)."""
    return func.json(col) if dialect == "sqlite" else cast(col, JSON)


def empty_array(dialect: str) -> Expr:
    """``[]`` as a JSON value (SQLite evaluates ``json('[]')`` once per statement)."""
    return _stored(sql_text("[]"), dialect)


def _array(obj: Expr, where: list[Any], order: list[Any], dialect: str) -> Expr:
    """The JSON array of ``obj`` over the rows matching ``where``, in ``order``; ``[]``: none."""
    if dialect == "sqlite":
        rows = select(obj.label("o")).where(*where).order_by(*order).correlate(messages)
        inner = rows.subquery()
        return func.json(select(func.json_group_array(func.json(inner.c.o))).scalar_subquery())
    agg = func.json_agg(aggregate_order_by(obj, *order))
    empty = cast(sql_text("[]"), JSON)
    return select(func.coalesce(agg, empty)).where(*where).correlate(messages).scalar_subquery()


def has_reactions() -> Expr:
    """Whether the message has a reaction: one probe of the reactions' primary key."""
    return exists(select(literal_column("1")).where(*_REACTED).correlate(messages))


def card_fields(dialect: str) -> dict[str, Expr]:
    """MessageView's location and contact card: stored JSON, embedded as it is."""
    return {"location": _stored(_m.location, dialect), "contact": _stored(_m.contact, dialect)}


def conversation_arrays(dialect: str) -> dict[str, Expr]:
    """MessageView's ``reactions`` and ``earlier_texts`` (looked up for an edited message
    only; a revoke deletes them)."""
    reactions = json_object_of(ReactionView, message_reactions, dialect)
    texts = json_object_of(EarlierText, message_edits, dialect)
    earlier = _array(texts, _EDITED, [_e.sequence], dialect)
    return {
        "reactions": _array(reactions, _REACTED, [_r.at, _r.sender_jid], dialect),
        "earlier_texts": case((_m.edited_at.is_(None), empty_array(dialect)), else_=earlier),
    }
