"""Where each session's device credentials live: a SQLite file, or a PostgreSQL schema."""

import hashlib
from abc import ABC, abstractmethod
from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from contracts.ids import is_valid_id

__all__ = ["DeviceDatabase", "PostgresDevice", "SqliteDevice", "device_database"]


class DeviceDatabase(ABC):
    """One session's whatsmeow store: what neonize is given, how to create and delete it."""

    @property
    @abstractmethod
    def neonize_name(self) -> str:
        """The database string neonize's Go side opens (a file path or a postgres:// URL)."""

    @abstractmethod
    async def prepare(self) -> None:
        """Make sure the place exists before neonize opens it."""

    @abstractmethod
    async def forget(self) -> None:
        """Delete the credentials for good."""


class SqliteDevice(DeviceDatabase):
    def __init__(self, path: Path) -> None:
        self.path = path

    @property
    def neonize_name(self) -> str:
        return str(self.path)

    async def prepare(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)

    async def forget(self) -> None:
        for suffix in ("", "-wal", "-shm", "-journal"):
            self.path.with_name(self.path.name + suffix).unlink(missing_ok=True)


class PostgresDevice(DeviceDatabase):
    """A schema per session (whatsmeow's tables hold one device per schema here)."""

    def __init__(self, url: str, schema: str) -> None:
        parts = urlsplit(url)
        query = [(k, v) for k, v in parse_qsl(parts.query) if k != "search_path"]
        with_schema = urlencode([*query, ("search_path", schema)])  # lib/pq hands it to the server
        self._neonize_url = urlunsplit(("postgres", parts.netloc, parts.path, with_schema, ""))
        plain = urlencode(query)
        self._asyncpg_url = urlunsplit(("postgresql", parts.netloc, parts.path, plain, ""))
        self.schema = schema

    @property
    def neonize_name(self) -> str:
        return self._neonize_url

    async def _execute(self, sql: str) -> None:
        import asyncpg  # type: ignore[import-untyped]

        conn = await asyncpg.connect(self._asyncpg_url, timeout=10)
        try:
            await conn.execute(sql)
        finally:
            await conn.close()

    async def prepare(self) -> None:
        await self._execute(f'CREATE SCHEMA IF NOT EXISTS "{self.schema}"')

    async def forget(self) -> None:
        await self._execute(f'DROP SCHEMA IF EXISTS "{self.schema}" CASCADE')


def device_database(*, data_dir: Path, db_url: str, tenant: str, session: str) -> DeviceDatabase:
    """``<data_dir>/neonize/<tenant>/<session>.db``, or a schema in ``db_url`` when it is set."""
    for value in (tenant, session):
        if not is_valid_id(value):
            raise ValueError(f"{value!r} is not a valid id")
    if not db_url:
        return SqliteDevice(data_dir.resolve() / "neonize" / tenant / f"{session}.db")
    digest = hashlib.sha256(f"{tenant}/{session}".encode()).hexdigest()[:24]
    return PostgresDevice(db_url, f"wa_device_{digest}")
