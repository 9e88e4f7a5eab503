"""Our message id ↔ the id WhatsApp gave the send, kept in a small SQLite file per session.

neonize 0.5.2's ``SendMessage`` cannot take a caller-chosen id, so whatsmeow picks one.
Receipts name WhatsApp's id; this map turns them back into ours, and makes a send that
already succeeded a no-op when it is asked for again (the id is reused on retries).
"""

import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

__all__ = ["SentIds"]

_SCHEMA = """
CREATE TABLE IF NOT EXISTS sent (
    whatsapp_id TEXT PRIMARY KEY,
    message_id TEXT NOT NULL UNIQUE,
    chat_jid TEXT NOT NULL
)
"""


class SentIds:
    """One SQLite connection shared by the client's threads, used by one of them at a time
    (two sends sharing it unlocked saw "no such table" on first use and "cannot commit - no
    transaction is active" when one committed the other's insert)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._conn: sqlite3.Connection | None = None
        self._lock = threading.Lock()

    @contextmanager
    def _db(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            if self._conn is None:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                self._conn = sqlite3.connect(self.path, check_same_thread=False)
                self._conn.execute("PRAGMA journal_mode=WAL")
                self._conn.execute(_SCHEMA)
            yield self._conn

    def record(self, *, whatsapp_id: str, message_id: str, chat_jid: str) -> None:
        with self._db() as db, db:
            db.execute(
                "INSERT OR REPLACE INTO sent (whatsapp_id, message_id, chat_jid) VALUES (?, ?, ?)",
                (whatsapp_id, message_id, chat_jid),
            )

    def ours(self, whatsapp_id: str) -> tuple[str, str] | None:
        """(our message id, the chat we sent to) for a WhatsApp id, if we sent it."""
        with self._db() as db:
            row = db.execute(
                "SELECT message_id, chat_jid FROM sent WHERE whatsapp_id = ?", (whatsapp_id,)
            ).fetchone()
        return (str(row[0]), str(row[1])) if row else None

    def whatsapp_id(self, message_id: str) -> str | None:
        with self._db() as db:
            row = db.execute(
                "SELECT whatsapp_id FROM sent WHERE message_id = ?", (message_id,)
            ).fetchone()
        return str(row[0]) if row else None

    def close(self) -> None:
        with self._lock:
            if self._conn is not None:
                self._conn.close()
                self._conn = None

    def forget(self) -> None:
        self.close()
        for suffix in ("", "-wal", "-shm"):
            self.path.with_name(self.path.name + suffix).unlink(missing_ok=True)
