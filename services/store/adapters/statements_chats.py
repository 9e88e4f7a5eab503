"""The SQL of the chat row changes (see services.store.domain.chats), per dialect."""

from collections.abc import Callable
from typing import Any

from sqlalchemy import (
    BigInteger,
    Executable,
    String,
    and_,
    case,
    delete,
    func,
    literal_column,
    or_,
    select,
    update,
)
from sqlalchemy.sql.elements import ColumnElement

from runtime.sql.types import UtcDateTime
from services.store.adapters.tables import chats, contacts

__all__ = ["chat_statements"]

Greater = Callable[[Any, Any], ColumnElement[Any]]


def chat_statements(
    insert: Any, greater: Greater, P: Callable[..., Any]
) -> dict[str, list[Executable]]:
    """``P(name, type)``: the bind parameter of a row change's parameter (statements.P)."""
    ch, c = chats, contacts
    AT = P("at", UtcDateTime())
    SEQ = P("sequence", BigInteger())  # the event's: see services.store.domain.chats
    same = and_(ch.c.tenant == P("tenant"), ch.c.session_id == P("session_id"))
    # Only for a chat known by @lid: the phone JID linked to it. min() of an expression, not of
    # the column: of the column, SQLite walks the primary key for it instead of ix_contacts_lid.
    linked_phone = (
        select(func.min(c.c.jid.concat(literal_column("''", String()))))
        .where(
            c.c.tenant == P("tenant"),
            c.c.session_id == P("session_id"),
            c.c.lid == P("chat_key"),
            c.c.jid != P("chat_key"),
        )
        .scalar_subquery()
    )

    def newest(ex: Any) -> Any:
        return or_(
            ex.last_activity_at > ch.c.last_activity_at,
            and_(
                ex.last_activity_at == ch.c.last_activity_at,
                ex.last_message_id > ch.c.last_message_id,
            ),
        )

    def merged(ex: Any, lid: bool = True) -> dict[str, Any]:
        """``lid``: whether the new row may bring a LID. Without one the column is left out:
        SQLite rewrites an index entry of every column the SET names (ix_chats_lid), even to
        the same value; 4% of the projection's SQLite instructions on the bench's stream."""
        later = newest(ex)
        return {
            "last_message_id": case((later, ex.last_message_id), else_=ch.c.last_message_id),
            "last_activity_at": case((later, ex.last_activity_at), else_=ch.c.last_activity_at),
            **({"lid": func.coalesce(ex.lid, ch.c.lid)} if lid else {}),
            "sequence": ex.sequence,
            "updated_at": ex.updated_at,
        }

    def message(jid: Any, lid: bool = True) -> Any:
        stmt = (
            insert(ch)
            .inline()
            .values(
                tenant=P("tenant"),
                session_id=P("session_id"),
                jid=jid,
                lid=P("lid"),
                last_message_id=P("message_id"),
                last_activity_at=P("sort_at", UtcDateTime()),
                sequence=SEQ,
                updated_at=AT,
            )
        )
        return stmt.on_conflict_do_update(
            index_elements=[ch.c.tenant, ch.c.session_id, ch.c.jid],
            set_=merged(stmt.excluded, lid),
        )

    lid_chat = ch.alias("lid_chat")
    moved = select(
        lid_chat.c.tenant, lid_chat.c.session_id, P("jid"), P("lid"), lid_chat.c.name,
        lid_chat.c.last_message_id, lid_chat.c.last_activity_at, lid_chat.c.last_read_at, SEQ, AT,
    ).where(
        lid_chat.c.tenant == P("tenant"),
        lid_chat.c.session_id == P("session_id"),
        lid_chat.c.jid == P("lid"),
    )  # fmt: skip
    columns = ["tenant", "session_id", "jid", "lid", "name", "last_message_id",
               "last_activity_at", "last_read_at", "sequence", "updated_at"]  # fmt: skip
    merge = insert(ch).from_select(columns, moved)
    read_both = func.coalesce(merge.excluded.last_read_at, ch.c.last_read_at)
    read_either = func.coalesce(ch.c.last_read_at, merge.excluded.last_read_at)
    up_to = P("up_to", UtcDateTime())
    read = [
        update(ch)
        .where(same, or_(ch.c.jid == P("chat_jid"), ch.c.lid == P("chat_jid")))
        .values(
            last_read_at=greater(func.coalesce(ch.c.last_read_at, up_to), up_to),
            sequence=SEQ,
            updated_at=AT,
        )
    ]
    return {
        "chat.message": [message(P("chat_key"), lid=False)],  # its lid parameter is None
        "chat.message_with_lid": [message(P("chat_key"))],
        "chat.message_lid": [message(func.coalesce(linked_phone, P("chat_key")))],
        "chat.linked": [
            merge.on_conflict_do_update(
                index_elements=[ch.c.tenant, ch.c.session_id, ch.c.jid],
                set_={
                    **merged(merge.excluded),
                    "name": func.coalesce(ch.c.name, merge.excluded.name),
                    "last_read_at": greater(read_both, read_either),
                },
            ),
            delete(ch).where(same, ch.c.jid == P("lid")),
            update(ch)
            .where(same, ch.c.jid == P("jid"), or_(ch.c.lid.is_(None), ch.c.lid != P("lid")))
            .values(lid=P("lid"), sequence=SEQ, updated_at=AT),
        ],
        "chat.read": read,
        "chat.read_lid": read,  # the same statement; by LID, a change batching orders apart
    }
