"""A fingerprint of the tables (row count and digest per table), to compare two databases."""

import hashlib
from collections.abc import Mapping
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from services.store.adapters.tables import metadata

__all__ = ["table_checksums"]


def _canonical(value: object) -> str:
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat()
    if isinstance(value, bool):
        return str(int(value))
    return repr(value)


async def table_checksums(
    engine: AsyncEngine, without: Mapping[str, set[str]] | None = None
) -> dict[str, tuple[int, str]]:
    """``{table: (rows, sha256)}`` over every table, rows in primary-key order; ``without``:
    columns left out, by table."""
    result: dict[str, tuple[int, str]] = {}
    async with engine.connect() as conn:
        for table in metadata.sorted_tables:
            digest = hashlib.sha256()
            count = 0
            left_out = (without or {}).get(table.name, set())
            columns = [c for c in table.columns if c.name not in left_out]
            stmt = select(*columns).order_by(*table.primary_key.columns)
            for row in (await conn.execute(stmt)).all():
                digest.update("\x1f".join(_canonical(v) for v in row).encode())
                digest.update(b"\x1e")
                count += 1
            result[table.name] = (count, digest.hexdigest())
    return result
