"""How long `ferpaguard audit` takes, and how much memory, as stack exports grow.

    .venv/bin/python bench/bench_audit.py [--sizes 1000 10000 100000] [--runs 3] [--workdir /tmp/ferpaguard-bench]

For each size it generates a synthetic export (bench/gen_export.py, seeded) and
measures, each in a fresh child process so peak memory (ru_maxrss) never mixes:
  parse         orjson.loads on the file's bytes, collector paused as the loader does (the baseline)
  parse-stdlib  json.loads on the same bytes, for the record of why orjson was chosen
  load          ferpaguard.sources.export.load_export(path): read, hash, parse, validate, build Resources
  audit         load + every rule of the pack (ferpaguard.evaluate.evaluate, stack rules on outputs)
  audit-frozen  the same with gc.freeze() after loading, to show what the cyclic collector costs
  cli           `python -m ferpaguard audit FILE --output-dir DIR --format json --quiet`, process start included
Times are wall-clock seconds (median of --runs) with CPU seconds beside them, since a shared
machine stretches wall time; ratios are against the parse baseline. A final table gives each
stack rule's CPU time per size and flags any that grows faster than linearly.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
KINDS = ("parse", "parse-stdlib", "load", "audit", "audit-frozen", "cli")


def peak_mib(who: int = resource.RUSAGE_SELF) -> float:
    return resource.getrusage(who).ru_maxrss / 1024


def measure_in_process(kind: str, path: Path) -> dict[str, Any]:
    """One measurement inside this (child) process."""
    if kind in ("parse", "parse-stdlib"):
        raw = path.read_bytes()
        import orjson

        loads = orjson.loads if kind == "parse" else json.loads
        wall, cpu = time.perf_counter(), time.process_time()
        gc.disable()
        document = loads(raw)
        gc.enable()
        result = {"resources": len(document["deployment"]["resources"])}
    elif kind == "cli":
        with tempfile.TemporaryDirectory() as out:
            command = [sys.executable, "-m", "ferpaguard", "audit", str(path), "--output-dir", out,
                       "--format", "json", "--quiet"]
            wall, cpu = time.perf_counter(), time.process_time()
            done = subprocess.run(command, cwd=ROOT, capture_output=True, check=False)
            if done.returncode not in (0, 1):
                raise SystemExit(f"cli failed ({done.returncode}): {done.stderr.decode()[-400:]}")
            children = resource.getrusage(resource.RUSAGE_CHILDREN)
            return {"wall": time.perf_counter() - wall, "cpu": children.ru_utime + children.ru_stime,
                    "peak_mib": peak_mib(resource.RUSAGE_CHILDREN), "exit": done.returncode}
    else:
        from ferpaguard.evaluate import evaluate
        from ferpaguard.sources.export import load_export, resources_for_resource_rules
        from policies.registry import all_rules
        from policies.settings import PackSettings

        all_rules()  # importing the rule modules is start-up cost, not audit cost
        wall, cpu = time.perf_counter(), time.process_time()
        export = load_export(path)
        result = {"resources": len(export.resources)}
        if kind.startswith("audit"):
            if kind == "audit-frozen":
                gc.freeze()
            findings = evaluate(resources_for_resource_rules(export), PackSettings(), stack=export.stack,
                                use_outputs=True).findings
            result |= {"findings": len(findings), "mandatory_failures": sum(f.is_mandatory_failure for f in findings)}
    return result | {"wall": time.perf_counter() - wall, "cpu": time.process_time() - cpu, "peak_mib": peak_mib()}


def stack_rule_times(path: Path) -> dict[str, float]:
    """CPU seconds of each stack rule on one export, collector off. The graph indexes reference values
    per set of types, built by the first rule that asks for each set: that rule's figure includes it."""
    from ferpaguard.sources.export import load_export, resources_for_resource_rules
    from policies.engine import run_stack_rule
    from policies.graph import Graph
    from policies.registry import all_rules
    from policies.settings import PackSettings

    graph = Graph(resources_for_resource_rules(load_export(path)), use_outputs=True)
    gc.disable()  # a collection landing inside one rule's timing would be charged to that rule
    times: dict[str, float] = {}
    settings = PackSettings()
    for rule in all_rules():
        if rule.check_stack is not None:
            start = time.process_time()
            run_stack_rule(rule, graph, settings.for_rule(rule.meta))
            times[rule.meta.id] = time.process_time() - start
    return times


def child(*args: str) -> dict[str, Any]:
    done = subprocess.run([sys.executable, __file__, "--child", *args], cwd=ROOT, capture_output=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"child {args} failed: {done.stderr.decode()[-600:]}")
    return json.loads(done.stdout)


def machine() -> str:
    model = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{os.cpu_count()} CPUs ({model}), Python {platform.python_version()}, {platform.system()}"


def export_for(size: int, workdir: Path, seed: int) -> Path:
    path = workdir / f"export-{size}-seed{seed}.json"
    if not path.exists():
        subprocess.run([sys.executable, str(ROOT / "bench" / "gen_export.py"), str(size), str(path),
                        "--seed", str(seed)], check=True)
    return path


def run(sizes: list[int], runs: int, workdir: Path, seed: int) -> None:
    workdir.mkdir(parents=True, exist_ok=True)
    print(f"machine: {machine()}")
    print(f"command: {' '.join([Path(sys.executable).name, *sys.argv])}")
    print(f"runs per figure: {runs} (median wall; CPU of the same run)\n")
    print("| resources | file MB | measurement | wall s | CPU s | peak MiB | wall / parse | peak / parse |")
    print("|---:|---:|---|---:|---:|---:|---:|---:|")
    rule_times: dict[int, dict[str, float]] = {}
    for size in sizes:
        path = export_for(size, workdir, seed)
        megabytes = path.stat().st_size / 1e6
        figures: dict[str, dict[str, Any]] = {}
        for kind in KINDS:
            samples = [child(kind, str(path)) for _ in range(runs)]
            samples.sort(key=lambda s: s["wall"])
            figures[kind] = samples[len(samples) // 2] | {"peak_mib": max(s["peak_mib"] for s in samples)}
        base = figures["parse"]
        for kind in KINDS:
            f = figures[kind]
            extra = f" ({f['mandatory_failures']} mandatory failures)" if "mandatory_failures" in f else ""
            print(f"| {size:,} | {megabytes:.0f} | {kind}{extra} | {f['wall']:.2f} | {f['cpu']:.2f} | "
                  f"{f['peak_mib']:.0f} | {f['wall'] / base['wall']:.1f}x | {f['peak_mib'] / base['peak_mib']:.2f}x |")
        rule_times[size] = child("rules", str(path))
    print("\nstack rules, CPU seconds (each reference index counted to the first rule that builds it):\n")
    print("| rule | " + " | ".join(f"{s:,}" for s in sizes) + " | growth per 10x |")
    print("|---|" + "---:|" * len(sizes) + "---:|")
    for rule_id in rule_times[sizes[0]]:
        row = [rule_times[s][rule_id] for s in sizes]
        growth = float("nan")  # CPU growth for a 10x larger stack, from the two largest sizes: 10 is linear
        if len(sizes) > 1 and row[-2] > 0.002:
            growth = row[-1] / row[-2] * 10 * sizes[-2] / sizes[-1]
        flag = "  <- super-linear" if growth > 20 else ""
        shown = "too small to tell" if growth != growth else f"{growth:.0f}x{flag}"
        print(f"| {rule_id} | " + " | ".join(f"{t:.3f}" for t in row) + f" | {shown} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000, 100000])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--workdir", type=Path, default=Path(tempfile.gettempdir()) / "ferpaguard-bench")
    parser.add_argument("--child", nargs=2, metavar=("KIND", "PATH"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        kind, path = args.child
        sys.path.insert(0, str(ROOT))
        result = stack_rule_times(Path(path)) if kind == "rules" else measure_in_process(kind, Path(path))
        print(json.dumps(result))
        return
    run(sorted(args.sizes), args.runs, args.workdir, args.seed)


if __name__ == "__main__":
    main()
