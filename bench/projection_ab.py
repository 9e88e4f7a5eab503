"""The store projection's speed on two revisions, measured alternately in one run.

    .venv/bin/python -m bench.projection_ab [--before main] [--after HEAD] [--runs 3]
        [--events 50000] [--rounds 3]

Each revision is exported (``git archive``) to a temporary folder and ``bench.store_projection``
runs there, before / after / after / before ..., with this interpreter (the same packages).
The figures compared are that benchmark's verdict, the median of its rounds' store / raw-read
ratios (wall clock: the raw nats-py read in the same round absorbs the machine's drift), and
its store / raw ratio of events per CPU-second (the store's process and its SQLite writer:
steadier on a loaded machine, where wall time mostly measures the neighbours). Printed: each
run's ratios, the median per revision, and after / before (no loss beyond noise: >= 0.95).
"""

import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

VERDICT = re.compile(r"store / raw = ([0-9.]+) wall-clock")
CPU_ROW = re.compile(r"^store projection, SQLite.* ([0-9.]+)$", re.MULTILINE)  # its last: CPU x raw


def export(revision: str, into: Path) -> Path:
    into.mkdir()
    archive = subprocess.run(["git", "archive", revision], check=True, capture_output=True)
    subprocess.run(["tar", "-x", "-C", str(into)], input=archive.stdout, check=True)
    return into


def measure(tree: Path, events: int, rounds: int) -> tuple[float, float]:
    env = {**os.environ, "PYTHONPATH": str(tree)}
    command = [sys.executable, "-m", "bench.store_projection", "--events", str(events)]
    command += ["--naive", "500", "--rounds", str(rounds)]
    out = subprocess.run(command, cwd=tree, env=env, check=True, capture_output=True, text=True)
    wall, cpu = VERDICT.search(out.stdout), CPU_ROW.search(out.stdout)
    if wall is None or cpu is None:
        raise RuntimeError(f"no verdict in the output of {tree}:\n{out.stdout}")
    return float(wall.group(1)), float(cpu.group(1))


def main(before: str, after: str, runs: int, events: int, rounds: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        trees = {rev: export(rev, Path(tmp) / str(n)) for n, rev in enumerate((before, after))}
        ratios: dict[str, list[tuple[float, float]]] = {before: [], after: []}
        for run in range(runs):  # ABBA...: neither revision always runs first
            order = list(trees.items())
            for revision, tree in order if run % 2 == 0 else reversed(order):
                wall, cpu = measure(tree, events, rounds)
                ratios[revision].append((wall, cpu))
                print(f"run {run + 1} {revision:<12} store / raw: wall {wall:.3f}, CPU {cpu:.3f}")
    for index, kind in enumerate(("wall", "CPU")):
        medians = {rev: statistics.median(r[index] for r in rs) for rev, rs in ratios.items()}
        change = medians[after] / medians[before]
        verdict = "no loss beyond noise" if change >= 0.95 else "SLOWER"
        print(
            f"{kind:<4} median store / raw: {before} {medians[before]:.3f}, {after} "
            f"{medians[after]:.3f}; {after} / {before} = {change:.3f} ({verdict}: bar 0.95)"
        )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--before", default="main")
    parser.add_argument("--after", default="HEAD")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--events", type=int, default=50_000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    main(args.before, args.after, args.runs, args.events, args.rounds)
