"""Organisation-scale audits: one 100k-resource export, shared reference values, many exports.

    .venv/bin/python bench/bench_scale.py [--size 100000] [--runs 3] [--workdir /tmp/ferpaguard-scale]

Every figure is measured in a fresh child process (so peak memory never mixes), as the median
of --runs, beside the baseline of its own section measured in the same run:

1. phases     one export of --size resources (bench/gen_export.py): orjson parse alone (the
              baseline), then load, evaluate, prepare the report view and write each of the seven
              formats, one after the other in one process, with the process's peak memory.
2. fan-out    10,000 resources of which 1,600 load balancers share one id/arn/name, each referenced
              by a VPC Link and a listener whose propertyDependencies name their own balancer,
              against the same stack with unique values (the baseline): load + evaluate.
3. many       --size resources as 500 exports of size/500 resources (one stack each) against one
              export of the same resources (the baseline): load + evaluate + findings.json, in one
              process, as `ferpaguard audit exports/*.json` runs them.
The whole-process figures of the CLI itself (start-up included) are in bench/README.md.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import orjson

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

LB = "aws:lb/loadBalancer:LoadBalancer"
LINK = "aws:apigateway/vpcLink:VpcLink"
LISTENER = "aws:lb/listener:Listener"
SHARERS = 1600
MANY = 500


def _peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


# Inputs


def big_export(size: int, workdir: Path) -> Path:
    path = workdir / f"export-{size}.json"
    if not path.exists():
        subprocess.run([sys.executable, str(ROOT / "bench" / "gen_export.py"), str(size), str(path)], check=True)
    return path


def shared_export(workdir: Path, *, shared: bool) -> Path:
    """10,000 resources: 1,600 LBs (sharing one value when `shared`), a VPC Link and a listener per LB
    that reference it by value with propertyDependencies, and reference-stack tenants for the rest."""
    import gen_export

    path = workdir / f"fanout-{'shared' if shared else 'unique'}.json"
    if path.exists():
        return path
    document = gen_export.generate(10_000 - 3 * SHARERS)
    resources = document["deployment"]["resources"]
    prefix = "urn:pulumi:bench::ferpa-bench::"
    for index in range(SHARERS):
        value = "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/net/shared/0" if shared else (
            f"arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/net/lb{index}/{index:016x}")
        lb_urn = f"{prefix}{LB}::fan-lb{index}"
        outputs = {"arn": value, "id": value, "name": "shared" if shared else f"fan-lb{index}",
                   "loadBalancerType": "network", "internal": True}
        resources.append({"urn": lb_urn, "type": LB, "custom": True, "id": value, "inputs": dict(outputs),
                          "outputs": outputs})
        for kind, key, extra in ((LINK, "targetArn", {"name": f"fan-link{index}"}),
                                 (LISTENER, "loadBalancerArn", {"port": 443, "protocol": "TLS",
                                                                "sslPolicy": "ELBSecurityPolicy-TLS13-1-2-2021-06"})):
            props = {key: value, **extra}
            resources.append({"urn": f"{prefix}{kind}::fan-{kind.rsplit(':', 1)[1].lower()}{index}", "type": kind,
                              "custom": True, "id": f"{kind[-4:]}-{index}", "inputs": props,
                              "outputs": dict(props), "dependencies": [lb_urn],
                              "propertyDependencies": {key: [lb_urn]}})
    path.write_bytes(orjson.dumps(document))
    return path


def many_exports(size: int, workdir: Path) -> tuple[list[Path], Path]:
    """`size` resources as MANY exports of size/MANY (one stack each), and the same as one export."""
    import gen_export

    directory = workdir / f"many-{size}"
    single = workdir / f"many-{size}-as-one.json"
    if not single.exists():
        directory.mkdir(parents=True, exist_ok=True)
        per = size // MANY
        template = orjson.dumps(gen_export.generate(per))
        combined: list[dict[str, Any]] = []
        for index in range(MANY):
            raw = template.replace(b"urn:pulumi:bench::", f"urn:pulumi:bench{index}::".encode())
            (directory / f"stack{index:03d}.json").write_bytes(raw)
            part = orjson.loads(raw)["deployment"]["resources"]
            combined.extend(part if index == 0 else [r for r in part if r["type"] != "pulumi:pulumi:Stack"])
        single.write_bytes(orjson.dumps({"version": 3, "deployment": {"resources": combined}}))
    return sorted(directory.glob("*.json")), single


# Measurements (children)


def measure(kind: str, paths: list[str]) -> dict[str, Any]:
    from ferpaguard import collector
    from ferpaguard.sources.export import load_export
    from policies.registry import all_rules

    all_rules()  # rule imports are start-up, not audit
    times: dict[str, float] = {}
    if kind == "parse":
        raw = Path(paths[0]).read_bytes()
        begin = time.perf_counter()
        gc.disable()
        orjson.loads(raw)
        gc.enable()
        return {"parse": time.perf_counter() - begin, "peak_mib": _peak_mib()}
    begin = time.perf_counter()
    exports = [load_export(path) for path in paths]
    gc.freeze()  # as the CLI does once its inputs are loaded
    times["load"] = time.perf_counter() - begin
    with collector.paused(freeze=True):  # as the CLI evaluates and writes
        return measure_evaluation(kind, exports, times)


def measure_evaluation(kind: str, exports: list[Any], times: dict[str, float]) -> dict[str, Any]:
    from ferpaguard import evidence
    from ferpaguard.evaluate import Evaluation, evaluate
    from ferpaguard.evidence.view import prepare
    from ferpaguard.run import InputRef, RunResult
    from ferpaguard.sources.export import resources_for_resource_rules
    from policies.settings import PackSettings

    begin = time.perf_counter()
    evaluation = Evaluation()
    for export in exports:
        # As `ferpaguard audit` does by default: stack rules on outputs, resource rules on inputs and,
        # where they disagree, on the deployed state.
        evaluate(resources_for_resource_rules(export), PackSettings(), stack=export.stack, use_outputs=True,
                 judge_deployed=True, evaluation=evaluation)
    times["evaluate"] = time.perf_counter() - begin
    result: dict[str, Any] = {"findings": len(evaluation.findings)}
    if kind in ("phases", "many"):
        now = time.time()
        import datetime as dt

        moment = dt.datetime.fromtimestamp(now, dt.UTC)
        run = RunResult("audit", "bench", "ferpaguard", "bench", "0" * 64,
                        [InputRef(e.path, e.sha256, "export", e.stack) for e in exports], moment, moment,
                        findings=list(evaluation.findings))
        begin = time.perf_counter()
        view = prepare(run)
        times["prepare"] = time.perf_counter() - begin
        formats = list(evidence.WRITERS) if kind == "phases" else ["json"]
        with tempfile.TemporaryDirectory() as out:
            for name in formats:
                begin = time.perf_counter()
                evidence.WRITERS[name](view, Path(out))
                times[f"write {name}"] = time.perf_counter() - begin
    return result | times | {"peak_mib": _peak_mib()}


def child(kind: str, paths: list[Path]) -> dict[str, Any]:
    done = subprocess.run([sys.executable, __file__, "--child", kind, *map(str, paths)], cwd=ROOT,
                          capture_output=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"child {kind} failed: {done.stderr.decode()[-800:]}")
    return json.loads(done.stdout)


def median(kind: str, paths: list[Path], runs: int) -> dict[str, Any]:
    samples = [child(kind, paths) for _ in range(runs)]
    keys = [k for k in samples[0] if isinstance(samples[0][k], float) and k != "peak_mib"]
    figures = {k: statistics.median(s[k] for s in samples) for k in keys}
    return samples[0] | figures | {"peak_mib": max(s["peak_mib"] for s in samples)}


def machine() -> str:
    model = "unknown CPU"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            model = line.split(":", 1)[1].strip()
            break
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    return f"{os.cpu_count()} CPUs ({model}), Python {platform.python_version()}, load average {load}"


def run(size: int, runs: int, workdir: Path) -> None:
    workdir.mkdir(parents=True, exist_ok=True)
    print(f"machine: {machine()}")
    print(f"command: {' '.join([Path(sys.executable).name, *sys.argv])}; medians of {runs} fresh processes\n")

    big = big_export(size, workdir)
    base = median("parse", [big], runs)
    phases = median("phases", [big], runs)
    print(f"## 1. one export of {size:,} resources ({big.stat().st_size / 1e6:.0f} MB), "
          f"{phases['findings']:,} findings\n")
    print("| phase | seconds | / parse |")
    print("|---|---:|---:|")
    print(f"| parse only (orjson, baseline) | {base['parse']:.2f} | 1.0x |")
    total = 0.0
    for key, value in phases.items():
        if key in ("findings", "peak_mib"):
            continue
        total += value
        print(f"| {key} | {value:.2f} | {value / base['parse']:.1f}x |")
    print(f"| all phases | {total:.2f} | {total / base['parse']:.1f}x |")
    print(f"\npeak memory: parse only {base['peak_mib']:.0f} MiB, all phases {phases['peak_mib']:.0f} MiB\n")

    unique = median("evaluate", [shared_export(workdir, shared=False)], runs)
    shared = median("evaluate", [shared_export(workdir, shared=True)], runs)
    print(f"## 2. 10,000 resources, {SHARERS:,} load balancers sharing one value\n")
    print("| export | load + evaluate s | findings | peak MiB | / unique |")
    print("|---|---:|---:|---:|---:|")
    for name, figures in (("unique values (baseline)", unique), ("one shared value", shared)):
        seconds = figures["load"] + figures["evaluate"]
        ratio = seconds / (unique["load"] + unique["evaluate"])
        print(f"| {name} | {seconds:.2f} | {figures['findings']:,} | {figures['peak_mib']:.0f} | {ratio:.2f}x |")

    parts, single = many_exports(size, workdir)
    one = median("many", [single], runs)
    many = median("many", parts, runs)
    print(f"\n## 3. {size:,} resources as {len(parts)} exports against one export\n")
    print("| input | load | evaluate | prepare | write json | total s | findings | / one export |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for name, figures in (("one export (baseline)", one), (f"{len(parts)} exports", many)):
        seconds = figures["load"] + figures["evaluate"] + figures["prepare"] + figures["write json"]
        ratio = seconds / (one["load"] + one["evaluate"] + one["prepare"] + one["write json"])
        print(f"| {name} | {figures['load']:.2f} | {figures['evaluate']:.2f} | {figures['prepare']:.2f} | "
              f"{figures['write json']:.2f} | {seconds:.2f} | {figures['findings']:,} | {ratio:.2f}x |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--workdir", type=Path, default=Path(tempfile.gettempdir()) / "ferpaguard-scale")
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(measure(args.child[0], args.child[1:])))
        return
    run(args.size, args.runs, args.workdir)


if __name__ == "__main__":
    main()
