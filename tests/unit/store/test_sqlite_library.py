"""The writer process's SQLite (services/store/adapters/sqlite_library.py): APSW's, storing
what the standard module stores, configured without memory statistics. Each check runs in a
process of its own: the configuration is process-wide."""

import json
import sqlite3
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
ROWS = [(None, True, False, 7, "text", 1.5), (None, None, None, None, None, None)]
SELECT = "SELECT a, typeof(a), b, typeof(b), c, d, e, f FROM t"

PROBE = f"""
import json, sys
import apsw
from services.store.adapters.sqlite_library import open_connection, sqlite_version
db = open_connection(sys.argv[1]) if sys.argv[2] == "writer" else apsw.Connection(sys.argv[1])
db.execute("CREATE TABLE t (a, b, c, d, e, f)")
db.executemany("INSERT INTO t VALUES (?, ?, ?, ?, ?, ?)", {ROWS!r})
rows = db.execute({SELECT!r}).fetchall()
after = apsw.status(apsw.SQLITE_STATUS_MEMORY_USED)[0]
mode = db.execute("PRAGMA journal_mode").fetchall()
print(json.dumps({{"rows": rows, "memory_used": after, "mode": mode,
                  "version": sqlite_version()}}))
"""


def probe(tmp_path: Path, mode: str = "writer") -> dict[str, object]:
    out = subprocess.run(
        [sys.executable, "-c", PROBE, str(tmp_path / f"{mode}.db"), mode],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(out.stdout)


def test_the_writer_stores_what_the_standard_module_stores(tmp_path: Path) -> None:
    plain = sqlite3.connect(tmp_path / "plain.db")
    plain.execute("CREATE TABLE t (a, b, c, d, e, f)")
    plain.executemany("INSERT INTO t VALUES (?, ?, ?, ?, ?, ?)", ROWS)
    expected = [list(row) for row in plain.execute(SELECT).fetchall()]
    plain.close()
    assert expected == [
        [None, "null", 1, "integer", 0, 7, "text", 1.5],
        [None, "null", None, "null", None, None, None, None],
    ]
    assert probe(tmp_path)["rows"] == expected


def test_the_writer_library_is_configured_and_current(tmp_path: Path) -> None:
    assert probe(tmp_path, "unconfigured")["memory_used"] > 0  # as the library comes
    found = probe(tmp_path)
    assert found["memory_used"] == 0  # none once configured: no global mutex per allocation
    assert found["mode"] == [["wal"]]  # every service's pragmas
    major, minor, *_ = (int(part) for part in str(found["version"]).split("."))
    assert (major, minor) >= (3, 45)  # the JSON functions' rewrite (messages.view)
