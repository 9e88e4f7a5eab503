"""Query handlers: every query is scoped by tenant; reads may wait for a position first.

Replies are JSON bytes (``QueryReply``, tag first), read through the ``Reads`` port
(``adapters/sql_reads.py``); the leanest reads come as bytes already and are cached here.
"""

import msgspec

from contracts.commands import Refused
from contracts.queries import (
    GetMessage,
    GetSession,
    ListContacts,
    ListMessages,
    ListSessions,
    Query,
    QueryReply,
)
from services.store.domain.cursors import BadCursor
from services.store.service_layer.ports import Missing, Reads
from services.store.service_layer.position import PositionWatch
from services.store.service_layer.reply_cache import Scope

__all__ = ["MAX_WAIT_MS", "QueryHandlers"]

MAX_WAIT_MS = 30_000  # a query never holds a handler slot longer than this
_encoder = msgspec.json.Encoder()


class QueryHandlers:
    """Answers typed queries from the tables, after waiting for ``min_sequence`` if asked."""

    def __init__(self, reads: Reads, watch: PositionWatch) -> None:
        self._reads = reads
        self._watch = watch

    async def handle(self, query: Query) -> bytes:
        """The reply's JSON: the rows found, or a ``Refused``."""
        if query.min_sequence and not await self._watch.wait_for(
            query.min_sequence, min(max(query.wait_ms, 0), MAX_WAIT_MS) / 1000
        ):
            return _refused(
                "not_caught_up",
                "the store has not reached that position yet",
                {"position": str(self._watch.position)},
            )
        try:
            found = await self._cached(query)
        except BadCursor as exc:
            return _refused("bad_query", str(exc), {"field": "cursor"})
        except Missing as exc:
            return _refused("not_found", f"no such {exc.what}")
        if found is None:
            return _refused("not_found", f"no such {_noun(query)}")
        return found if isinstance(found, bytes) else _encoder.encode(found)

    async def _cached(self, query: Query) -> QueryReply | bytes | None:
        scope = _scope(query)
        if scope is None:
            return await self._reads.read(query)
        key = msgspec.structs.replace(query, min_sequence=0, wait_ms=0)
        replies = self._watch.replies
        kept = replies.get(key)
        if kept is not None:
            return kept
        stamp = replies.stamp(scope)  # before the read: see reply_cache.py
        found = await self._reads.read(query)
        if isinstance(found, bytes):
            replies.put(key, scope, stamp, found)
        return found

    async def close(self) -> None:
        await self._reads.close()


def _scope(query: Query) -> Scope | None:
    """What a query's reply depends on, for the reply cache; None: not cached."""
    match query:
        case GetSession() | ListMessages() | GetMessage() | ListContacts():
            return query.tenant, query.session
        case ListSessions():
            return query.tenant, ""
    return None


def _refused(code: str, message: str, details: dict[str, str | int] | None = None) -> bytes:
    return _encoder.encode(Refused(code=code, message=message, details=details or {}))


def _noun(query: Query) -> str:
    return type(query).__name__.removeprefix("Get").lower()
