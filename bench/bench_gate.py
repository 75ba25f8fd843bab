"""Gate wall time and peak memory on the reference stack, and where the time goes.

Each measurement is a fresh process, as a user runs it. Reported as medians of
N runs, beside a baseline measured in the same run: a bare Python start-up and
an import of pulumi + pulumi_aws's modules used by the stack.

    .venv/bin/python bench/bench_gate.py [--runs 5]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
# pulumi_aws loads submodules lazily; touching the classes the stack uses loads what the stack loads.
CLASSES = ("acm.Certificate", "apigateway.RestApi", "cloudtrail.Trail", "cloudwatch.LogGroup", "ec2.Vpc",
           "ecs.Service", "efs.FileSystem", "elasticache.ReplicationGroup", "iam.Role", "kinesis.Stream", "kms.Key",
           "lb.LoadBalancer", "rds.Cluster", "route53.Record", "s3.Bucket", "secretsmanager.Secret", "wafv2.WebAcl")
IMPORTS = "import gc\ngc.disable()\nimport pulumi, pulumi_aws as aws\n" + "\n".join(f"aws.{name}" for name in CLASSES)


def measure(command: list[str]) -> tuple[float, float, str]:
    """Wall seconds, peak RSS in MiB of the child and its children, and its stdout."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    start = time.perf_counter()
    done = subprocess.run(command, cwd=REPO_ROOT, capture_output=True, text=True, check=False)
    wall = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    if done.returncode not in (0, 1):
        raise SystemExit(f"{command}: exit {done.returncode}: {done.stderr.strip()}")
    return wall, max(peak, before) / 1024, done.stdout


def median_of(runs: int, command: list[str]) -> tuple[float, float, str]:
    samples = [measure(command) for _ in range(runs)]
    return (statistics.median(s[0] for s in samples), max(s[1] for s in samples), samples[-1][2])


def cpu_model() -> str:
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            return line.split(":", 1)[1].strip()
    return platform.processor() or "unknown"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    python = sys.executable
    bare, _, _ = median_of(args.runs, [python, "-c", "pass"])
    imports, _, _ = median_of(args.runs, [python, "-c", IMPORTS])
    gate, peak, out = median_of(args.runs, [python, "-m", "ferpaguard", "gate", ".", "--format", "json", "--quiet"])
    timings = json.loads(out)["summary"]["timings"]
    cores = len(os.sched_getaffinity(0))
    print(f"machine: {cpu_model()}, {cores} cores, Python {platform.python_version()}")
    print(f"runs per figure: {args.runs} (medians)")
    print(f"python start-up (baseline):        {bare:6.2f} s")
    print(f"import floor (pulumi + the stack's pulumi_aws classes, gc off as in the gate's child): {imports:6.2f} s")
    print(f"ferpaguard gate (reference stack): {gate:6.2f} s  ({gate / imports:4.2f}x the import floor), "
          f"peak RSS {peak:.0f} MiB")
    print(f"  inside the gate: program under mocks (child process) {timings.get('program', 0):.2f} s, "
          f"evaluation {timings.get('evaluation', 0):.3f} s")


if __name__ == "__main__":
    main()
