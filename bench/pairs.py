"""Two whole commands timed in turn, A B A B ..., with the ratio A/B taken pair by pair.

    python bench/pairs.py [-n 5] [--warmup 1] --vs 'BASELINE COMMAND' -- COMMAND [ARG ...]

Each run is one child process; its user and system seconds and its peak memory (largest resident
set) are the kernel's own accounting of that child (os.wait4), its wall seconds a monotonic clock
around it. Output goes to /dev/null; for a command that needs a shell, write `sh -c '...'`.
Pairing keeps a ratio meaningful while the machine's speed drifts (other jobs, frequency): quote
the medians, and read a wide min-max spread as a noisy machine. The figures in bench/README.md are
whole-process medians measured this way; this script reproduces them with nothing but Python.
"""

from __future__ import annotations

import argparse
import os
import shlex
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Run:
    user: float
    system: float
    wall: float
    peak_mib: float
    code: int

    @property
    def cpu(self) -> float:
        return self.user + self.system


def run_once(command: list[str]) -> Run:
    begin = time.perf_counter()
    child = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(child.pid, 0)
    wall = time.perf_counter() - begin
    child.returncode = os.waitstatus_to_exitcode(status)
    return Run(usage.ru_utime, usage.ru_stime, wall, usage.ru_maxrss / 1024, child.returncode)


def _row(name: str, values: list[float], digits: int = 3) -> str:
    return f"{name:<14}{min(values):>12.{digits}f}{statistics.median(values):>12.{digits}f}{max(values):>12.{digits}f}"


def report(a: list[Run], b: list[Run]) -> str:
    lines = [f"{'':<14}{'min':>12}{'median':>12}{'max':>12}   (A {len(a)} runs, B {len(b)} runs)"]
    for label, runs in (("A", a), ("B", b)):
        lines += [
            _row(f"{label} cpu s", [r.cpu for r in runs]),
            _row(f"{label} wall s", [r.wall for r in runs]),
            _row(f"{label} peak MiB", [r.peak_mib for r in runs], 1),
        ]
    lines += [
        _row("A/B cpu", [x.cpu / y.cpu for x, y in zip(a, b, strict=True)]),
        _row("A/B wall", [x.wall / y.wall for x, y in zip(a, b, strict=True)]),
        f"exit codes: A {sorted({r.code for r in a})}, B {sorted({r.code for r in b})}",
    ]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", "--runs", type=int, default=5)
    parser.add_argument("--warmup", type=int, default=1)
    parser.add_argument("--vs", required=True, help="the baseline command B, one string split as a shell would")
    parser.add_argument("command", nargs=argparse.REMAINDER, help="-- COMMAND [ARG ...] (A)")
    args = parser.parse_args()
    command_a = args.command[1:] if args.command[:1] == ["--"] else args.command
    if not command_a:
        parser.error("give the command to time after --")
    command_b = shlex.split(args.vs)
    for _ in range(args.warmup):
        run_once(command_a)
        run_once(command_b)
    a: list[Run] = []
    b: list[Run] = []
    for index in range(args.runs):
        a.append(run_once(command_a))
        b.append(run_once(command_b))
        print(f"pair {index + 1}/{args.runs}: A {a[-1].wall:.2f} s, B {b[-1].wall:.2f} s", file=sys.stderr)
    print(report(a, b))


if __name__ == "__main__":
    main()
