"""What a session's JSON takes from beyond its row: ``reconnect_attempts``, the attempt of its
latest disconnect (``session_disconnects``) while it is down, 0 once it is connected again."""

from sqlalchemy import case, func, literal_column, or_, select

from services.store.adapters.json_rows import Expr, sql_text
from services.store.adapters.tables import session_disconnects, sessions

__all__ = ["DOWN", "session_fields"]

DOWN = ("reconnecting", "needs_attention")  # the statuses a disconnect leaves a session in


def session_fields() -> dict[str, Expr]:
    """SessionView's fields that are not plain columns of ``sessions``."""
    s, d = sessions.c, session_disconnects.c
    latest = (
        select(d.attempt)
        .where(d.tenant == s.tenant, d.session_id == s.id)
        .order_by(d.sequence.desc())
        .limit(literal_column("1"))
        .offset(literal_column("0"))  # SQLite writes an OFFSET anyway: as a bind unless given
        .correlate(sessions)
        .scalar_subquery()
    )
    down = or_(*(s.status == sql_text(status) for status in DOWN))
    zero: Expr = literal_column("0")
    return {"reconnect_attempts": case((down, func.coalesce(latest, zero)), else_=zero)}
