"""The writer process's SQLite opt-outs (services/store/adapters/sqlite_library.py): the same
values stored, the library's memory statistics off. Each check runs in a process of its
own: the settings are process-wide, and this one's SQLite is already in use."""

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]

PROBE = """
import ctypes, json, sqlite3, sys
from services.store.adapters.sqlite_library import quicken_sqlite
applied = quicken_sqlite() if sys.argv[2] == "quick" else []
db = sqlite3.connect(sys.argv[1], isolation_level=None)
db.execute("CREATE TABLE t (a, b, c, d, e, f)")
db.executemany("INSERT INTO t VALUES (?, ?, ?, ?, ?, ?)", [
    (None, True, False, 7, "text", 1.5),
    (None, None, None, None, None, None),
])
rows = db.execute("SELECT a, typeof(a), b, typeof(b), c, d, e, f FROM t").fetchall()
used = ctypes.CDLL("libsqlite3.so.0").sqlite3_memory_used()
print(json.dumps({"applied": applied, "rows": rows, "memory_used": used}))
"""


def probe(tmp_path: Path, mode: str) -> dict[str, object]:
    out = subprocess.run(
        [sys.executable, "-c", PROBE, str(tmp_path / f"{mode}.db"), mode],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(out.stdout)


def test_the_writer_settings_store_the_same_values_as_the_module_does_by_default(
    tmp_path: Path,
) -> None:
    plain, quick = probe(tmp_path, "plain"), probe(tmp_path, "quick")
    assert (
        quick["rows"]
        == plain["rows"]
        == [
            [None, "null", 1, "integer", 0, 7, "text", 1.5],
            [None, "null", None, "null", None, None, None, None],
        ]
    )
    assert quick["applied"] == ["adapters", "no connection mutexes, no memory statistics"]


def test_the_library_keeps_no_memory_statistics_once_configured(tmp_path: Path) -> None:
    assert probe(tmp_path, "plain")["memory_used"] > 0  # Debian's build counts by default
    assert probe(tmp_path, "quick")["memory_used"] == 0
