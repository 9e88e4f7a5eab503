"""Groups a batch's row changes into runs of one operation each, without changing the outcome.

A change joins the last run of its operation when no later run touches any row it touches
(nor any key it follows); otherwise it opens a new run. Runs execute in order, each as one
``executemany``. A key a change follows is not one it touches: changes that follow the same
key share runs, while a change touching that key later is still ordered after them.
"""

from collections.abc import Iterable
from typing import Any

from services.store.domain.changes import Op, RowChange

__all__ = ["Run", "plan_runs"]


class Run:
    """Consecutive parameter sets for one operation."""

    __slots__ = ("op", "params")

    def __init__(self, op: Op) -> None:
        self.op = op
        self.params: list[dict[str, Any]] = []


def plan_runs(changes: Iterable[RowChange]) -> list[Run]:
    runs: list[Run] = []
    last_run_of_op: dict[Op, int] = {}
    last_run_reaching: dict[tuple[str, ...], int] = {}  # touching a key, or following it
    last_run_touching: dict[tuple[str, ...], int] = {}  # of a followed key: touching it
    reaching = last_run_reaching.get
    for op, keys, params, follows in changes:  # unpacked: a field costs a call each
        if len(keys) == 1:  # the common case, without a generator
            barrier = reaching(keys[0], -1)
        else:
            barrier = max([reaching(k, -1) for k in keys], default=-1)
        for key in follows:
            barrier = max(barrier, last_run_touching.get(key, -1))
        index = last_run_of_op.get(op, -1)
        if index < barrier or index < 0:
            runs.append(Run(op))
            index = len(runs) - 1
            last_run_of_op[op] = index
        runs[index].params.append(params)
        for key in keys:
            last_run_reaching[key] = last_run_touching[key] = index
        for key in follows:
            last_run_reaching[key] = max(index, reaching(key, -1))
    return runs
