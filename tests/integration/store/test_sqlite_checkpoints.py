"""The checkpoint thread beside the SQLite writer lets the WAL start over although commits
went on while it copied: a real file, a writer connection committing one small transaction
at a time, as a live session does. Every connection is the writer's SQLite (APSW): two
copies of SQLite in one process do not see each other's POSIX locks."""

from pathlib import Path

from services.store.adapters.sqlite_checkpoints import Checkpoints
from services.store.adapters.sqlite_library import open_connection
from tests.support.waiting import eventually


def wal_starts(path: Path) -> int:
    """The WAL header's checkpoint sequence number: one more each time the WAL starts over."""
    with path.open("rb") as file:
        return int.from_bytes(file.read(16)[12:16], "big")


async def test_the_wal_starts_over_after_a_checkpoint_that_could_not_copy_it_all(
    tmp_path: Path,
) -> None:
    path = tmp_path / "store.db"
    db = open_connection(str(path))
    # no backstop: only the thread's doing counts
    db.execute("PRAGMA wal_autocheckpoint=0").fetchall()
    db.execute("CREATE TABLE t (n INTEGER PRIMARY KEY, v TEXT)")
    wal = path.with_name("store.db-wal")
    checkpoints = Checkpoints(str(path), rows=10**9, commits=20)
    written = 0

    def commit() -> None:
        nonlocal written
        written += 1
        db.execute("BEGIN IMMEDIATE")
        db.execute("INSERT INTO t VALUES (?, ?)", (written, "x" * 500))
        db.execute("COMMIT")
        checkpoints.committed(db)

    try:
        for _ in range(10):
            commit()
        reader = open_connection(str(path))
        reader.execute("BEGIN")
        assert reader.execute("SELECT count(*) FROM t").fetchone() == (10,)  # holds frame 10
        for _ in range(10):
            commit()  # the 20th asks for a checkpoint: it copies up to the reader's frame only

        async def ended() -> bool:
            return checkpoints.ended == 1

        await eventually(ended, timeout=30)
        first = wal_starts(wal)
        reader.execute("COMMIT")
        reader.close()
        for _ in range(3):  # the writer copies the rest, then starts the WAL over
            commit()
        assert wal_starts(wal) > first
        assert checkpoints.ended == 1  # no second checkpoint of the thread's did it
    finally:
        checkpoints.stop()
    assert db.execute("SELECT count(*) FROM t").fetchone() == (written,)
    db.close()
