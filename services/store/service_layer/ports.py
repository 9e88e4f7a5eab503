"""The store's service layer depends on these; adapters/ implements them on SQLAlchemy."""

from typing import Protocol

from contracts.queries import Query, QueryReply

__all__ = ["Missing", "Reads"]


class Missing(LookupError):
    """Nothing of that name for this tenant: ``what`` is the noun of the refusal."""

    def __init__(self, what: str) -> None:
        super().__init__(what)
        self.what = what


class Reads(Protocol):
    """Answers a query from the tables: the reply (or its JSON bytes, tag first), or None for
    a query it does not know; raises ``Missing`` or ``BadCursor`` for a bad one."""

    async def read(self, query: Query) -> QueryReply | bytes | None: ...
    async def close(self) -> None: ...
