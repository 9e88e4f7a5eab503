"""Where each session's device credentials live: a SQLite file, or a PostgreSQL schema.

neonize's Go side opens a new store (``sqlstore.New``) for every client it builds and never
closes it; for PostgreSQL each client run therefore names its connections
(``application_name``) and ``release`` ends them on the server once that run is stopped.
"""

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

    def neonize_name_for(self, run_tag: str) -> str:
        """The database string for one client run, so ``release(run_tag)`` can find its store."""
        return self.neonize_name

    async def release(self, run_tag: str) -> None:
        """Close what the store of a stopped client run still holds open (nothing by default)."""
        return None

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
        self._query = [*query, ("search_path", schema)]
        self._parts = parts
        plain = urlencode(query)
        self._asyncpg_url = urlunsplit(("postgresql", parts.netloc, parts.path, plain, ""))
        self.schema = schema

    @property
    def neonize_name(self) -> str:
        return self._neonize_url

    def neonize_name_for(self, run_tag: str) -> str:
        named = urlencode([*self._query, ("application_name", _application_name(run_tag))])
        return urlunsplit(("postgres", self._parts.netloc, self._parts.path, named, ""))

    async def release(self, run_tag: str) -> None:
        await self._execute(_TERMINATE_RUN, _application_name(run_tag))

    async def _execute(self, sql: str, *args: object) -> None:
        import asyncpg  # type: ignore[import-untyped]

        conn = await asyncpg.connect(self._asyncpg_url, timeout=10)
        try:
            await conn.execute(sql, *args)
        finally:
            await conn.close()

    async def prepare(self) -> None:
        await self._execute(f'CREATE SCHEMA IF NOT EXISTS "{self.schema}"')

    async def forget(self) -> None:
        await self._execute(f'DROP SCHEMA IF EXISTS "{self.schema}" CASCADE')


_TERMINATE_RUN = """
SELECT pg_terminate_backend(pid, 5000) FROM pg_stat_activity
WHERE application_name = $1 AND datname = current_database() AND pid <> pg_backend_pid()
"""  # (waits up to 5 s for each backend to be gone; a role may end its own backends)


def _application_name(run_tag: str) -> str:
    return f"wa-neonize-{run_tag}"


def device_database(*, data_dir: Path, db_url: str, tenant: str, session: str) -> DeviceDatabase:
    """``<data_dir>/neonize/<tenant>/<session>.db``, or a schema in ``db_url`` when it is set."""
    for value in (tenant, session):
        if not is_valid_id(value):
            raise ValueError(f"{value!r} is not a valid id")
    if not db_url:
        return SqliteDevice(data_dir.resolve() / "neonize" / tenant / f"{session}.db")
    digest = hashlib.sha256(f"{tenant}/{session}".encode()).hexdigest()[:24]
    return PostgresDevice(db_url, f"wa_device_{digest}")
