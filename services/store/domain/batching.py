"""Groups a batch's row changes into runs of one operation each, without changing the outcome.

A change joins the last run of its operation when no later run touches any row it touches;
otherwise it opens a new run. Runs execute in order, each as one ``executemany``. A wide
change (changes.py: one by LID, reaching a row it cannot name) stays after every change
before it and before every change after it: it splits the batch's runs, and is rare.
"""

from collections.abc import Iterable
from typing import Any

from services.store.domain.changes import WIDE, Op, RowChange
from services.store.domain.known_contacts import KnownContacts

__all__ = ["Run", "plan_runs"]


class Run:
    """Consecutive parameter sets for one operation."""

    __slots__ = ("op", "params")

    def __init__(self, op: Op) -> None:
        self.op = op
        self.params: list[dict[str, Any]] = []


def plan_runs(changes: Iterable[RowChange], known: KnownContacts | None = None) -> list[Run]:
    """``known``: contact changes that would change nothing are left out (known_contacts.py;
    shown every change it watches, here where each is unpacked anyway)."""
    watched = known.watched if known is not None else ()
    runs: list[Run] = []
    last_run_of_op: dict[Op, int] = {}
    last_run_touching: dict[tuple[str, ...], int] = {}
    touching = last_run_touching.get
    floor = -1  # the run of the last wide change: nothing after it goes before it
    for op, keys, params in changes:  # unpacked: a NamedTuple's fields cost a call each
        if op in watched and known.leaves_out(op, params):  # type: ignore[union-attr]
            continue
        if len(keys) == 1:  # the common case, without a generator
            barrier = touching(keys[0], -1)
        else:
            barrier = max([touching(k, -1) for k in keys], default=-1)
        wide = op in WIDE
        if wide:
            barrier = len(runs) - 1  # after every change before it
        elif barrier < floor:
            barrier = floor
        index = last_run_of_op.get(op, -1)
        if index < barrier or index < 0:
            runs.append(Run(op))
            index = len(runs) - 1
            last_run_of_op[op] = index
        runs[index].params.append(params)
        for key in keys:
            last_run_touching[key] = index
        if wide:
            floor = index
    return runs
