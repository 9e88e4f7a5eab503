"""A page of a lean list read, as one row: PostgreSQL joins the page's objects itself.

A page statement selects each row's JSON object and its ``extra`` columns, ``limit + 1``
rows in the page's order (one more tells that there is a next page). On SQLite those rows
come from the library in the store's process and are joined there. On PostgreSQL each row
is a record asyncpg builds and decodes (a ``timestamptz`` becomes a ``datetime``): on this
machine a page of 50 messages cost the store ~100 us more CPU as rows than as one value
(``/tmp`` scratch script, 64 reads at a time). So there the page is wrapped:

    SELECT string_agg(o, ',' ORDER BY n) FILTER (WHERE n <= shown),  -- the page's items
           count(*),                                                -- rows found (<= limit + 1)
           max(extra) FILTER (WHERE n = shown), ...                   -- the last item's keys
    FROM (SELECT page.*, row_number() OVER (ORDER BY <the page's order>) AS n FROM (...) page)

``shown`` is the page's size: the row numbered ``shown`` is the one a cursor is made of, and
only a page that found more rows than that has a next one. The numbering repeats the page's
own order, so the items keep it whatever order the rows reach the aggregate in.
"""

from collections.abc import Sequence
from typing import Any, NamedTuple

from sqlalchemy import Integer, Select, func, literal_column, select
from sqlalchemy.dialects.postgresql import aggregate_order_by

from services.store.adapters.statements import P

__all__ = ["OnePage", "Order", "one_row_page"]

Order = Sequence[tuple[str, bool]]  # (an extra column, descending?)


class OnePage(NamedTuple):
    """The one row: the items joined (None when none), the rows found, the last item's
    extra columns (where a cursor's keys are: index ``RowShape.index[name] - 1``)."""

    items: str | None
    found: int
    last: tuple[Any, ...]

    @classmethod
    def of(cls, row: Sequence[Any]) -> "OnePage":
        return cls(row[0], row[1], tuple(row[2:]))


def one_row_page(page: Select[Any], extra: Sequence[str], order: Order) -> Select[Any]:
    """``page`` (its first column the object, then ``extra``) as one row (see above); binds
    ``shown``, the page's size, besides ``page``'s own parameters."""
    inner = page.subquery("page")
    keys = [inner.c[name].desc() if down else inner.c[name] for name, down in order]
    numbered = select(*inner.c, func.row_number().over(order_by=keys).label("n")).subquery(
        "numbered"
    )
    n, obj = numbered.c.n, next(iter(numbered.c))
    shown = P("shown", Integer())
    items = func.string_agg(obj, aggregate_order_by(literal_column("','"), n)).filter(n <= shown)
    last = [func.max(numbered.c[name]).filter(n == shown) for name in extra]
    return select(items, func.count(), *last)
