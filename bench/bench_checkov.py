"""ferpaguard's own evaluation vs checkov on the same synthetic resources, in one run.

    .venv/bin/python bench/bench_checkov.py [--sizes 1000 10000] [--runs 3]

Resources come from bench/gen_export.py (the reference-stack tenant repeated),
loaded through ferpaguard's export reader. For each size: the pack's in-process
evaluation (every rule, `ferpaguard.evaluate`), the Pulumi -> Terraform plan
conversion, and checkov's run in its own environment, as `--with-checkov` runs it
(ferpaguard/checkov/_runner.py in checkov's interpreter: start-up and import, plan
write, parse, graph, allow-listed checks); medians of --runs. checkov's environment
is found (or made, once) before timing.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import orjson

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT))
sys.path.insert(0, str(REPO_ROOT / "bench"))

import gen_export  # noqa: E402

from ferpaguard.checkov import environment  # noqa: E402
from ferpaguard.checkov.convert import to_plan  # noqa: E402
from ferpaguard.checkov.scan import scan  # noqa: E402
from ferpaguard.evaluate import evaluate  # noqa: E402
from ferpaguard.sources.export import load_export, resources_for_resource_rules  # noqa: E402
from policies.model import Resource, Status  # noqa: E402
from policies.settings import PackSettings  # noqa: E402


def median_seconds(runs: int, action: Callable[[], Any]) -> tuple[float, Any]:
    samples, last = [], None
    for _ in range(runs):
        started = time.perf_counter()
        last = action()
        samples.append(time.perf_counter() - started)
    return statistics.median(samples), last


def resources_of(count: int) -> list[Resource]:
    raw = orjson.dumps(gen_export.generate(count))
    return resources_for_resource_rules(load_export("-", raw))


def cpu_model() -> str:
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            return line.split(":", 1)[1].strip()
    return platform.processor() or "unknown"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    started = time.perf_counter()
    python = environment.find()
    print(f"machine: {cpu_model()}, {len(os.sched_getaffinity(0))} cores, Python {platform.python_version()}")
    print(f"checkov {environment.pinned_version()} at {python.origin}, found in {time.perf_counter() - started:.2f} s")
    print("| resources | ferpaguard (all rules) | conversion | checkov | checkov + conversion / ferpaguard |")
    print("|---:|---:|---:|---:|---:|")
    for size in args.sizes:
        resources = resources_of(size)
        pack_time, evaluation = median_seconds(
            args.runs, lambda r=resources: evaluate(r, PackSettings(), use_outputs=True)
        )
        convert_time, _ = median_seconds(args.runs, lambda r=resources: to_plan(r))
        checkov_runs = [scan(resources, python=python) for _ in range(args.runs)]
        checkov_time = statistics.median(run.duration for run in checkov_runs)
        ratio = (checkov_time + convert_time) / pack_time
        print(f"| {len(resources):,} | {pack_time:.2f} s | {convert_time:.2f} s | {checkov_time:.2f} s "
              f"| {ratio:.1f}x |")
        fails = sum(1 for f in evaluation.findings if f.status is Status.FAIL)
        checkov_fails = sum(1 for f in checkov_runs[-1].findings if f.status is Status.FAIL)
        print(f"|   | {len(evaluation.findings):,} findings, {fails:,} fail | | "
              f"{len(checkov_runs[-1].findings):,} findings, {checkov_fails:,} fail, "
              f"{len(checkov_runs[-1].skipped)} skipped | |")


if __name__ == "__main__":
    main()
