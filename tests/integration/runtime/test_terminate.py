"""Stopping a server whose first SIGTERM is lost (nats-server drops a signal that comes while
it is still busy with a reload): the stop sends it again, and the server exits on its own."""

import subprocess
import sys

from runtime.embedded_nats import terminate

# Ignores the first SIGTERM, as nats-server does when one arrives mid-reload; exits 0 on the next.
DROPS_ONE = """
import signal, sys
seen = []
def on_term(signum, frame):
    seen.append(signum)
    if len(seen) > 1:
        sys.exit(0)
signal.signal(signal.SIGTERM, on_term)
print("ready", flush=True)
while True:
    signal.pause()
"""


def test_a_lost_sigterm_is_sent_again_and_the_process_exits_cleanly() -> None:
    proc = subprocess.Popen([sys.executable, "-c", DROPS_ONE], stdout=subprocess.PIPE)
    assert proc.stdout is not None and proc.stdout.readline() == b"ready\n"
    assert terminate(proc, timeout=60) == 0  # not -9: it was never SIGKILLed


def test_a_process_deaf_to_sigterm_is_killed_once_the_timeout_has_passed() -> None:
    deaf = DROPS_ONE.replace("on_term)", "signal.SIG_IGN)")  # ignores every SIGTERM
    proc = subprocess.Popen([sys.executable, "-c", deaf], stdout=subprocess.PIPE)
    assert proc.stdout is not None and proc.stdout.readline() == b"ready\n"
    assert terminate(proc, timeout=0.5) == -9
