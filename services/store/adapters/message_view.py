"""``messages.view``: each message's own fields as its MessageView JSON, made by the database
whenever the row is written, so that reading a page costs one text column per row.

SQLite: a stored generated column. PostgreSQL: a ``BEFORE INSERT OR UPDATE`` trigger (a
generated column there may only use immutable functions; ``json_build_object`` and
``to_char`` are stable). The reactions and earlier texts live in tables of their own: the
view holds ``[]`` for them, and a read sets them in for the few messages that have any
(``read_expression``). Measured with a scratch script on a page of 50 messages (SQLite,
the statement alone): 172 us building each object at read time, 48 us reading the view.

The expression is frozen in the migration that installs it (0010), as migrations are: when
MessageView or its columns change, ``test_message_view`` fails until a new migration installs
what ``python -m services.store.adapters.message_view`` prints.
"""

from sqlalchemy import Text, case, cast, func, or_
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.dialects.postgresql.asyncpg import PGDialect_asyncpg
from sqlalchemy.dialects.sqlite.aiosqlite import SQLiteDialect_aiosqlite
from sqlalchemy.engine import Dialect

from contracts.queries import MessageView
from services.store.adapters.json_conversation import (
    card_fields,
    conversation_arrays,
    empty_array,
    has_reactions,
)
from services.store.adapters.json_rows import Expr, json_object_of, media_json, sql_text
from services.store.adapters.tables import messages

__all__ = ["read_expression", "view_sql"]

_DIALECTS: dict[str, Dialect] = {
    "sqlite": SQLiteDialect_aiosqlite(),
    "postgresql": PGDialect_asyncpg(),  # type: ignore[no-untyped-call]
}


def _own_fields(dialect: str) -> Expr:
    none = empty_array(dialect)
    special = {
        "media": media_json(messages, dialect),
        **card_fields(dialect),
        "reactions": none,
        "earlier_texts": none,
    }
    own = {"session": "session_id"}
    return json_object_of(MessageView, messages, dialect, renamed=own, special=special)


def view_sql(dialect: str) -> str:
    """The SQL of the view over the row's own columns: unqualified on SQLite (a generated
    column's expression), as ``NEW.`` fields on PostgreSQL (the trigger's)."""
    expr = _own_fields(dialect) if dialect == "sqlite" else cast(_own_fields(dialect), Text)
    compiled = expr.compile(dialect=_DIALECTS[dialect], compile_kwargs={"literal_binds": True})
    return str(compiled).replace("messages.", "" if dialect == "sqlite" else "NEW.")


def read_expression(dialect: str) -> Expr:
    """A message's JSON from its row: the view, with its reactions and earlier texts set in
    when it has any (one primary-key probe of the reactions for the others)."""
    m, arrays = messages.c, conversation_arrays(dialect)
    more = or_(has_reactions(), m.edited_at.is_not(None))
    completed: Expr
    if dialect == "sqlite":
        keys = (sql_text("$.reactions"), sql_text("$.earlier_texts"))
        completed = func.json_set(
            m.view, keys[0], arrays["reactions"], keys[1], arrays["earlier_texts"]
        )
    else:
        reactions = cast(arrays["reactions"], JSONB)
        earlier = cast(arrays["earlier_texts"], JSONB)
        with_reactions = func.jsonb_set(cast(m.view, JSONB), sql_text("{reactions}"), reactions)
        completed = cast(func.jsonb_set(with_reactions, sql_text("{earlier_texts}"), earlier), Text)
    return case((more, completed), else_=m.view)


if __name__ == "__main__":
    for name in _DIALECTS:
        print(f"-- {name}\n{view_sql(name)}\n")
