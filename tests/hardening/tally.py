"""Counts of generated cases per fuzz target, printed at the end of the session
(tests/hardening/conftest.py) so CI logs show how much was actually tried."""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager

CASES: Counter[str] = Counter()
SECONDS: Counter[str] = Counter()


def count(target: str, n: int = 1) -> None:
    CASES[target] += n


@contextmanager
def timed(target: str) -> Iterator[None]:
    begin = time.perf_counter()
    try:
        yield
    finally:
        SECONDS[target] += time.perf_counter() - begin


def report_lines() -> list[str]:
    if not CASES:
        return []
    width = max(len(target) for target in CASES)
    lines = [f"{'target':<{width}}  {'cases':>7}  {'seconds':>8}"]
    for target in sorted(CASES):
        lines.append(f"{target:<{width}}  {CASES[target]:>7}  {SECONDS.get(target, 0.0):>8.2f}")
    lines.append(f"{'total':<{width}}  {sum(CASES.values()):>7}  {sum(SECONDS.values()):>8.2f}")
    return lines
