"""The id map opened by many sends at once: each finds the table (the first use raced:
"no such table: sent" when a second thread saw the connection before its table existed)."""

import threading
from pathlib import Path

from services.session.adapters.whatsapp.neonize.sent_ids import SentIds

THREADS = 8


def _record_at_once(ids: SentIds) -> list[BaseException]:
    start = threading.Barrier(THREADS)
    failures: list[BaseException] = []

    def send(n: int) -> None:
        start.wait()
        try:
            ids.record(whatsapp_id=f"W{n}", message_id=f"m{n}", chat_jid="c@s.whatsapp.net")
        except BaseException as exc:  # collected and asserted by the test
            failures.append(exc)

    threads = [threading.Thread(target=send, args=(n,)) for n in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return failures


def test_first_use_from_many_threads_at_once(tmp_path: Path) -> None:
    for round_ in range(20):
        ids = SentIds(tmp_path / f"sent-{round_}.db")
        assert _record_at_once(ids) == []
        assert [ids.ours(f"W{n}") for n in range(THREADS)] == [
            (f"m{n}", "c@s.whatsapp.net") for n in range(THREADS)
        ]
        ids.close()
