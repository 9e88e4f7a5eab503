"""Where a ``wrk`` run's CPU goes: each process's CPU time per request, and what that says
about a machine with more cores.

Every process of the stack is read from ``/proc/<pid>/stat`` before and after the run; ``wrk``
itself (a child this process waits for) from the children's ``rusage``. On a machine where
each process had a core of its own, the process that spends the most per request bounds the
rate (``1e6 / its µs`` requests a second); on this one, all of them share its cores.
"""

import os
import re
import resource
import subprocess
from dataclasses import dataclass
from pathlib import Path

__all__ = ["Measured", "cpu_seconds", "measured", "wrk"]


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far (Linux ``/proc``)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _children_cpu() -> float:
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    return used.ru_utime + used.ru_stime


def wrk(url: str, key: str, seconds: int, connections: int) -> tuple[float, float, float]:
    """(requests per second, p99 latency in ms, wrk's own CPU seconds) measured by ``wrk``."""
    before = _children_cpu()
    out = subprocess.run(
        ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency",
         "-H", f"Authorization: Bearer {key}", url],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    used = _children_cpu() - before
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    value, unit = re.search(r"99%\s+([\d.]+)(us|ms|s)", out).groups()  # type: ignore[union-attr]
    return rate, float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit], used


@dataclass(frozen=True)
class Measured:
    rate: float  # requests per second
    p99_ms: float
    per_request: dict[str, float]  # µs of CPU per request, by process ("wrk" included)

    def describe(self) -> str:
        used = ", ".join(f"{name} {us:.0f}" for name, us in self.per_request.items())
        return f"{self.rate:,.0f} req/s, p99 {self.p99_ms:.1f} ms; CPU µs/req: {used}"

    def ceiling(self) -> str:
        """What a core per server process would allow (``wrk`` left out: the client)."""
        served = {name: us for name, us in self.per_request.items() if name != "wrk" and us > 0}
        if not served:
            return ""
        busiest = max(served, key=lambda name: served[name])
        total = sum(self.per_request.values())
        return (
            f"a core each: <= {1e6 / served[busiest]:,.0f} req/s ({busiest} bounds it); "
            f"all processes {total:.0f} µs/req = {self.rate * total / 1e6:.2f} cores busy"
        )


def measured(url: str, key: str, seconds: int, connections: int, pids: dict[str, int]) -> Measured:
    """``wrk`` against ``url``: its rate and p99, and each process's CPU per request."""
    before = {name: cpu_seconds(pid) for name, pid in pids.items()}
    rate, p99, wrk_cpu = wrk(url, key, seconds, connections)
    requests = max(rate * seconds, 1.0)
    used = {name: (cpu_seconds(pid) - before[name]) / requests * 1e6 for name, pid in pids.items()}
    return Measured(rate, p99, {"wrk": wrk_cpu / requests * 1e6, **used})
