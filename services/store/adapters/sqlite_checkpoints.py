"""WAL checkpoints beside the store's writer, not inside its commits (on the writer's SQLite).

SQLite checkpoints when a commit leaves the WAL past ``wal_autocheckpoint`` pages, inside that
commit: it copies the WAL's pages into the database and fsyncs it while the writer waits.
The writer process hands that to a thread of its own connection instead: after a set
number of changed rows, or of commits, the thread runs a PASSIVE checkpoint (it copies what
is committed and waits for no one), while the writer goes on with the next transaction. The
writer's own autocheckpoint stays as a backstop for a thread that falls behind.

The WAL starts over from its first frame only when a transaction begins with every frame
copied, which a checkpoint beside a busy writer never leaves: the writer commits meanwhile.
So once the thread's checkpoint has ended, the writer copies what it committed meanwhile
itself, between two transactions (11-27 ms on the bench stream, against the 100-200 ms the
thread spends), and its next transaction starts the WAL over. Without it the WAL only grew:
one message at a time (a live session), each commit adds ~10 frames, the backstop came every
~1,600 messages and stalled the commit it ran in for 80-125 ms (the 100 ms stall in each
end-to-end run of ``bench.stack_live``); a long catch-up left a 125 MiB WAL behind.

Replaying the bench's 50,000-event stream three times over (132 transactions) on this
machine's disk: 0.69-0.79 s spent in COMMIT with the checkpoints inline, 0.46-0.47 s with
this thread (a scratch script, two runs each).
"""

import sys
import threading

from services.store.adapters.sqlite_library import Connection, Error, open_connection

__all__ = ["BACKSTOP_PAGES", "COMMITS", "Checkpoints"]

BACKSTOP_PAGES = 16_000  # the writer's own autocheckpoint: 125 MiB of 8 KiB pages
ROWS_PER_CHECKPOINT = 20_000  # the bench stream's ~8 batches: some 36 MiB of WAL
COMMITS = 500  # or this many commits: ~5,000 frames when each brings one message


class Checkpoints:
    """The checkpointing thread of one database file; ``committed`` after each commit."""

    def __init__(
        self,
        path: str,
        rows: int = ROWS_PER_CHECKPOINT,
        commits: int = COMMITS,
    ) -> None:
        self._path = path
        self._rows, self._commits_each = rows, commits
        self._changed_at = 0  # the writer's total_changes at the last request
        self._commits = 0  # since the last request
        self._due = threading.Event()
        self._copied = threading.Event()  # a checkpoint of the thread's has ended
        self.ended = 0  # checkpoints the thread has run (for tests and diagnostics)
        self._stopping = False
        self._thread = threading.Thread(target=self._run, name="checkpoints", daemon=True)
        self._thread.start()

    def committed(self, writer: Connection) -> None:
        """Ask for a checkpoint once enough rows changed since the last one was asked for;
        after one has ended, copy what was committed meanwhile, so that the next transaction
        starts the WAL over (see the module's text)."""
        if self._copied.is_set():
            self._copied.clear()
            _checkpoint(writer)  # it fails only as the thread's would: the next one catches up
        self._commits += 1
        if (
            writer.total_changes() - self._changed_at >= self._rows
            or self._commits >= self._commits_each
        ):
            self._changed_at, self._commits = writer.total_changes(), 0
            self._due.set()

    def stop(self) -> None:
        """Let a running checkpoint end, then the thread."""
        self._stopping = True
        self._due.set()
        self._thread.join(timeout=30)

    def _run(self) -> None:
        db = open_connection(self._path)  # this thread's own
        try:
            while True:
                self._due.wait()
                self._due.clear()
                if self._stopping:
                    return
                if _checkpoint(db):
                    self._copied.set()
                    self.ended += 1
        finally:
            db.close()


def _checkpoint(db: Connection) -> bool:
    """A PASSIVE checkpoint on ``db``; a failure is reported, not raised (the writer's
    backstop checkpoints meanwhile)."""
    try:
        db.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()
    except Error as exc:
        print(f"sqlite_writer: checkpoint failed: {exc!r}", file=sys.stderr)
        return False
    return True
