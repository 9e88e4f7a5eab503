"""The SQL of reactions, edits and revokes (see statements.py for the conventions)."""

from typing import Any

from sqlalchemy import Executable, and_, delete, null, or_, select, update
from sqlalchemy.types import BigInteger, String

from runtime.sql.types import UtcDateTime
from services.store.adapters.statements import AT, P
from services.store.adapters.tables import message_edits, message_reactions, messages
from services.store.domain.changes import Op

__all__ = ["conversation_statements"]


def conversation_statements(insert: Any) -> dict[Op, list[Executable]]:
    m, r, e = messages, message_reactions, message_edits

    def the(table: Any) -> Any:
        c = table.c
        return and_(
            c.tenant == P("tenant"),
            c.session_id == P("session_id"),
            c.message_id == P("message_id"),
        )

    reacted = insert(r).values(
        tenant=P("tenant"), session_id=P("session_id"), message_id=P("message_id"),
        sender_jid=P("sender_jid"), from_me=P("from_me"), emoji=P("emoji"), at=AT,
    )  # fmt: skip
    author = P("author", String())
    by_author = and_(m.c.from_me == P("from_me"), or_(author.is_(None), m.c.sender_jid == author))
    event = (P("event_id", String()), P("sequence", BigInteger()))
    replaced = select(
        *event, m.c.tenant, m.c.session_id, m.c.message_id, m.c.text, P("edited_at", UtcDateTime())
    ).where(the(m), m.c.revoked_at.is_(None), by_author)
    names = ["event_id", "sequence", "tenant", "session_id", "message_id", "text", "replaced_at"]
    return {
        "message.reacted": [
            reacted.on_conflict_do_update(
                index_elements=[r.c.tenant, r.c.session_id, r.c.message_id, r.c.sender_jid],
                set_={
                    "emoji": reacted.excluded.emoji,
                    "at": reacted.excluded.at,
                    "from_me": reacted.excluded.from_me,
                },
            )
        ],
        "message.unreacted": [delete(r).where(the(r), r.c.sender_jid == P("sender_jid"))],
        "message.edit_recorded": [
            insert(e)
            .from_select(names, replaced)
            .on_conflict_do_nothing(index_elements=[e.c.event_id]),
        ],
        "message.edited": [
            update(m)
            .where(the(m), m.c.revoked_at.is_(None), by_author)
            .values(text=P("text"), edited_at=P("edited_at", UtcDateTime()), updated_at=AT),
        ],
        "message.revoked": [
            update(m)
            .where(the(m))
            .values(
                revoked_at=P("revoked_at", UtcDateTime()),
                text=null(),
                location=null(),
                contact=null(),
                updated_at=AT,
            ),
            delete(e).where(the(e)),
        ],
    }
