"""The data dir holds webhook secrets and session keys: after a stack start it is 0700 and
every file the stack made under it (SQLite files and their -wal/-shm, the NATS store, generated
files) is readable by its owner only; a dir left with looser modes is tightened."""

import contextlib
from pathlib import Path

from cli.stack import LocalStack
from tests.support.waiting import eventually

ENV = {"PATH": "/usr/bin:/bin", "WA_LOG_FORMAT": "json"}
MADE = {"store.db", "store.db-wal", "webhooks.db", "webhooks.db-wal", "reminder.db", "nats"}


def modes(data: Path) -> dict[str, int]:
    """Permission bits of the data dir and of everything under it, by relative path."""
    found = {".": data.stat().st_mode & 0o777}
    for path in data.rglob("*"):
        with contextlib.suppress(FileNotFoundError):  # a file deleted while we walk
            if not path.is_symlink():
                found[str(path.relative_to(data))] = path.stat().st_mode & 0o777
    return found


async def test_the_data_dir_and_everything_under_it_are_private(tmp_path: Path) -> None:
    data = tmp_path / "var"
    (data / "old").mkdir(parents=True)
    (data / "old" / "left.db").write_bytes(b"")
    (data / "old" / "left.db").chmod(0o644)
    (data / "old").chmod(0o775)
    data.chmod(0o755)
    stack = LocalStack(data, env=ENV)
    await stack.start()
    try:

        async def all_made() -> bool:
            return {p.name for p in data.iterdir()} >= MADE

        await eventually(all_made, timeout=20)
        found = modes(data)
    finally:
        stack.stop()
    assert any(name.startswith("nats/jetstream/") for name in found), sorted(found)
    assert {name: oct(mode) for name, mode in found.items() if mode & 0o077} == {}
    assert found["."] == found["old"] == found["nats"] == 0o700
    assert found["webhooks.db"] == found["webhooks.db-wal"] == found["old/left.db"] == 0o600
