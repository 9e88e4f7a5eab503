"""SQLite writes in a process of their own: the projection's SQL runs beside, not under, the GIL.

The store's event loop reads the stream, decodes and computes row changes: Python work that
holds the GIL. SQLite's own work (b-tree inserts, the WAL) would contend with it in a thread:
every row hands the GIL back and waits for it. So a child process owns the write connection
and runs whole transactions, sent to it as (driver SQL, rows) lists; the event loop goes on
with the next batch meanwhile. The child imports the standard library and APSW only (its
SQLite: sqlite_library.py).

Each transaction is guarded: the child reads the recorded position first and refuses the
batch when the database already holds its first sequence (another writer got there, or a
writer of a previous life committed after its parent died), so nothing is applied twice. A
child outlives a killed parent only until its current transaction ends: it then reads EOF
and exits.

Requests that queued up in the pipe while the child was busy are committed together, up to
``GROUP``, each guarded as if alone (group commit): a page that several of them change is
written to the WAL once, not once per request. Only requests wholly in the pipe join a
group: the child never waits for the parent while it has work. A quiet projection sends one
batch at a time, which commits alone as soon as it arrives. Measured on the bench stream:
replaying its 49 batches four to a transaction took 0.08-0.11 s of system time instead of
0.21-0.24 s, user time unchanged; ``bench.store_projection`` three times each way, back to
back, gave the writer 24.9, 26.6, 22.2 us of CPU an event before and 21.6, 20.7, 21.6 after,
store / raw 0.35, 0.38, 0.40 before and 0.41, 0.43, 0.40 after.
"""

import asyncio
import contextlib
import fcntl
import gc
import marshal
import pickle
import struct
import sys
import termios
import traceback
from collections import deque
from collections.abc import Sequence
from pathlib import Path
from typing import Any, BinaryIO

from services.store.adapters.sqlite_checkpoints import (
    BACKSTOP_PAGES,
    ROWS_PER_CHECKPOINT,
    Checkpoints,
)
from services.store.adapters.sqlite_library import Connection, open_connection

__all__ = [
    "AlreadyApplied",
    "SqliteWriter",
    "Write",
    "WriterFailed",
]

Write = tuple[str, Sequence[Sequence[Any]]]
"""One statement in the driver's SQL and its rows, run as one ``executemany``."""

F_SETPIPE_SZ = getattr(fcntl, "F_SETPIPE_SZ", 1031)
PIPE_SIZE = 1 << 20  # Linux's default ceiling (/proc/sys/fs/pipe-max-size)
_LENGTH = struct.Struct(">Q")  # every message on the pipes: its length, then its bytes
_AFTER = struct.Struct(">q")  # a request: the position it expects (-1: any), then marshal
_HEADER = struct.Struct(">Qq")
_COUNT = struct.Struct("i")  # FIONREAD's answer: a C int
GROUP = 4  # requests committed together at most


class AlreadyApplied(Exception):
    """The database's position had already reached the batch's first sequence."""

    def __init__(self, position: int) -> None:
        super().__init__(f"the database is already at sequence {position}")
        self.position = position


class WriterFailed(Exception):
    """The transaction failed in the writer process (rolled back), or the process died."""


_Request = tuple[int, list[Write]]
"""A transaction: the stream sequence of its first event, and its writes."""


def _frame(value: object) -> bytes:
    data = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
    return _LENGTH.pack(len(data)) + data


class SqliteWriter:
    """Runs guarded transactions on a SQLite file in a child process, in the order sent.

    The child is ``python -m services.store.adapters.sqlite_writer``: its stdin brings
    requests, its stdout takes replies, its stderr is the store's. Several requests may be
    on their way at once (the next one waits in the pipe while the child runs the current
    one); each names the position it expects the database to be at, so a batch behind one
    that failed is refused rather than applied over the gap.
    """

    def __init__(self, process: asyncio.subprocess.Process) -> None:
        self._process = process
        assert process.stdin is not None and process.stdout is not None
        self._requests = process.stdin
        self._replies = process.stdout
        self._sending = asyncio.Lock()
        self._waiting: deque[asyncio.Future[tuple[str, Any]]] = deque()
        self._closed = False
        self._reader = asyncio.ensure_future(self._read_replies())

    @classmethod
    async def start(
        cls, path: Path, position_sql: str, checkpoint_rows: int = ROWS_PER_CHECKPOINT
    ) -> "SqliteWriter":
        """``checkpoint_rows``: changed rows between two checkpoints (sqlite_checkpoints.py)."""
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            __name__,
            str(path),
            position_sql,
            str(checkpoint_rows),
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
        )
        _widen(process.stdin)
        return cls(process)

    @staticmethod
    def encode(first_sequence: int, writes: list[Write]) -> bytes:
        """The request for one transaction, ready to send (done ahead, on the caller's time).

        Rows hold plain values only (str, int, float, bytes, None; times already as text):
        anything else raises ValueError here. ``marshal``, not ``pickle``: the child is the
        same interpreter, and it is twice as fast both ways for such rows."""
        return marshal.dumps((first_sequence, writes))

    async def transaction(self, request: bytes, after: int | None = None) -> int:
        """Apply an encoded request in one transaction, once the database is at ``after``
        (any position if None); returns how many requests that transaction committed (more
        than one when requests queued up meanwhile). Raises ``AlreadyApplied`` when the
        database holds the request's first sequence, ``WriterFailed`` otherwise; failed or
        cancelled, the writer closes."""
        if self._closed:
            raise WriterFailed("the writer is closed")
        reply = asyncio.get_running_loop().create_future()
        try:
            async with self._sending:
                self._waiting.append(reply)
                self._requests.write(_HEADER.pack(len(request) + _AFTER.size, _after(after)))
                self._requests.write(request)
                await self._requests.drain()
            outcome, detail = await reply
        except ConnectionError as exc:
            reply.cancel()
            self.close()
            raise WriterFailed(f"the writer process died: {exc!r}") from None
        except BaseException:
            reply.cancel()
            self.close()
            raise
        if outcome == "ok":
            return int(detail)
        if outcome == "stale":
            raise AlreadyApplied(detail)
        self.close()
        if outcome == "gap":
            raise WriterFailed(f"the database is at {detail}, not {after}: a batch is missing")
        raise WriterFailed(detail)

    async def _read_replies(self) -> None:
        """Hand each reply to its request, in order; when the child is gone, fail the rest."""
        try:
            while True:
                size = _LENGTH.unpack(await self._replies.readexactly(_LENGTH.size))[0]
                outcome = pickle.loads(await self._replies.readexactly(size))
                reply = self._waiting.popleft()
                if not reply.done():
                    reply.set_result(outcome)
        except (asyncio.IncompleteReadError, ConnectionError) as exc:
            failure = WriterFailed(f"the writer process died: {exc!r}")
        self._closed = True
        while self._waiting:
            reply = self._waiting.popleft()
            if not reply.done():
                reply.set_exception(failure)

    @property
    def closed(self) -> bool:
        return self._closed

    def close(self) -> None:
        """Hang up: the child exits once it has run what it was sent."""
        self._closed = True
        with contextlib.suppress(OSError, RuntimeError):
            self._requests.close()

    async def aclose(self) -> None:
        """Close and wait for the child to exit: nothing writes the file afterwards."""
        self.close()
        await self._process.wait()
        await self._reader


def _after(position: int | None) -> int:
    return -1 if position is None else position


def _widen(stream: asyncio.StreamWriter | None) -> None:
    """Let a whole request sit in the pipe at once (Linux; 64 KiB otherwise): the event loop
    hands it over in one write instead of trickling it to the child between other work."""
    pipe = stream.get_extra_info("pipe") if stream is not None else None
    if pipe is not None:
        with contextlib.suppress(OSError, ValueError):
            fcntl.fcntl(pipe.fileno(), F_SETPIPE_SZ, PIPE_SIZE)


def _serve(
    path: str, position_sql: str, checkpoint_rows: int, requests: BinaryIO, replies: BinaryIO
) -> None:
    """The child: one connection, one transaction per group of requests (see ``_run_group``),
    until the parent hangs up; checkpoints in a thread beside it."""
    db = open_connection(path)
    db.execute(f"PRAGMA wal_autocheckpoint={BACKSTOP_PAGES}").fetchall()
    checkpoints = Checkpoints(path, checkpoint_rows)
    try:
        waiting = _Requests(requests)
        while group := waiting.next_group():
            outcomes = _run_group(db, position_sql, group)
            try:
                replies.write(b"".join(_frame(outcome) for outcome in outcomes))
                replies.flush()
            except OSError:
                return
            checkpoints.committed(db)
    finally:
        checkpoints.stop()
        db.close()


class _Requests:
    """The requests arriving on the child's (unbuffered) stdin, taken in groups."""

    def __init__(self, pipe: BinaryIO) -> None:
        self._pipe = pipe
        self._header: tuple[int, int] | None = None  # read, its request not yet

    def next_group(self) -> list[tuple[int, _Request]]:
        """The next request (waiting for it), and those behind it that are already wholly in
        the pipe, up to ``GROUP``: one still on its way starts the next group instead of
        holding this one up. Empty when the parent has hung up (or died)."""
        group: list[tuple[int, _Request]] = []
        while len(group) < GROUP:
            if self._header is None:
                if group and self._waiting() < _HEADER.size:
                    break
                header = _read_exactly(self._pipe, _HEADER.size)
                if len(header) < _HEADER.size:
                    break  # the parent hung up: run what came before
                self._header = _HEADER.unpack(header)
            size, after = self._header
            if group and self._waiting() < size - _AFTER.size:
                break
            self._header = None
            group.append((after, marshal.loads(_read_exactly(self._pipe, size - _AFTER.size))))
        return group

    def _waiting(self) -> int:
        """Bytes in the pipe, ready to read without waiting (FIONREAD)."""
        count = fcntl.ioctl(self._pipe.fileno(), termios.FIONREAD, b"\0\0\0\0")
        return int(_COUNT.unpack(count)[0])


def _read_exactly(requests: BinaryIO, size: int) -> bytes:
    """``size`` bytes from the unbuffered pipe, or fewer at its end."""
    parts, missing = [], size
    while missing:
        part = requests.read(missing)
        if not part:
            break
        parts.append(part)
        missing -= len(part)
    return b"".join(parts)


def _run_group(
    db: Connection, position_sql: str, group: list[tuple[int, _Request]]
) -> list[tuple[str, Any]]:
    """Requests that queued up while the writer was busy, committed together: one commit
    writes a page that several of them changed once, not once each (group commit). Each is
    still guarded as if alone (the position it expects, read after the ones before it).
    If any of them would be refused or fails, the group is undone and run again one request
    per transaction, so its outcomes are exactly those of running them one by one."""
    if len(group) == 1:
        return [_run(db, position_sql, *group[0])]
    try:
        db.execute("BEGIN IMMEDIATE")
        for after, (first_sequence, writes) in group:
            if _refusal(db, position_sql, after, first_sequence) is not None:
                raise _Separately
            for sql, rows in writes:
                db.executemany(sql, rows)
        db.execute("COMMIT")
        return [("ok", len(group))] * len(group)
    except Exception:
        if db.in_transaction:
            db.execute("ROLLBACK")
        return [_run(db, position_sql, *request) for request in group]


class _Separately(Exception):
    """A request of a group would be refused: the group runs one request at a time."""


def _refusal(
    db: Connection, position_sql: str, after: int, first_sequence: int
) -> tuple[str, int] | None:
    """Why the database, inside the transaction, must not take the request (None: it may)."""
    row = db.execute(position_sql).fetchone()
    done = int(row[0]) if row and row[0] is not None else 0
    if done >= first_sequence:
        return ("stale", done)
    if after >= 0 and done != after:
        return ("gap", done)
    return None


def _run(db: Connection, position_sql: str, after: int, request: _Request) -> tuple[str, Any]:
    first_sequence, writes = request
    try:
        db.execute("BEGIN IMMEDIATE")
        refusal = _refusal(db, position_sql, after, first_sequence)
        if refusal is not None:
            db.execute("ROLLBACK")
            return refusal
        for sql, rows in writes:
            db.executemany(sql, rows)
        db.execute("COMMIT")
        return ("ok", 1)
    except Exception:
        if db.in_transaction:
            db.execute("ROLLBACK")
        return ("error", traceback.format_exc())


if __name__ == "__main__":
    # The rows unmarshalled hold no cycles and are freed by reference counting; collected
    # young every 700 tuples, they were traced for nothing: 2% of the writer's instructions
    # (callgrind, 100,000 message.received). Frozen what is loaded, young collections rare.
    gc.freeze()
    gc.set_threshold(100_000, 50, 50)
    # stdout carries replies only: anything printed by accident goes to stderr instead.
    replies = sys.stdout.buffer
    sys.stdout = sys.stderr
    # unbuffered: what is waiting is the pipe's to say (FIONREAD), not a buffer's
    stdin = open(sys.stdin.fileno(), "rb", buffering=0, closefd=False)  # noqa: SIM115
    _serve(sys.argv[1], sys.argv[2], int(sys.argv[3]), stdin, replies)
