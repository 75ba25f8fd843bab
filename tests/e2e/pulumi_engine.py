"""Drives the real Pulumi CLI for the end-to-end tests, credential-free.

`find_cli` picks the CLI: $FERPAGUARD_PULUMI, else .tools/bin/pulumi (built by
`make pulumi-cli`), else `pulumi` on PATH. `Workspace` is a throw-away Pulumi
home with a local file backend, a passphrase secrets provider and the echo
provider (echo_aws_provider.py) on PATH as `pulumi-resource-aws`, so
`pulumi preview` needs no login, no AWS account and no real provider plugin,
and leaves the project's own files and state alone: programs are previewed
from a temporary copy whose Pulumi.yaml names the virtualenv by absolute path.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

REPO_ROOT = Path(__file__).resolve().parents[2]
PACK_DIR = REPO_ROOT
TOOLS_CLI = REPO_ROOT / ".tools" / "bin" / "pulumi"
ECHO_PROVIDER = Path(__file__).with_name("echo_aws_provider.py")
# `pulumi policy analyze --file` arrived in this release.
POLICY_ANALYZE_MINIMUM = (3, 249, 0)
COMMAND_TIMEOUT = 600
UNKNOWN_MARKER = "during preview: "
NO_CLI_HINT = "no Pulumi CLI (run `make pulumi-cli`, put `pulumi` on PATH or set FERPAGUARD_PULUMI)"
SKIPPED_COPY = {".venv", "venv", ".git", ".tools", "node_modules", "__pycache__", "out", ".pytest_cache"}


def find_cli() -> Path | None:
    chosen = os.environ.get("FERPAGUARD_PULUMI")
    if chosen:
        return Path(chosen).resolve()
    if TOOLS_CLI.is_file() and os.access(TOOLS_CLI, os.X_OK):
        return TOOLS_CLI
    on_path = shutil.which("pulumi")
    return Path(on_path).resolve() if on_path else None


def cli_version(cli: Path) -> tuple[int, int, int]:
    text = subprocess.run([str(cli), "version"], capture_output=True, text=True, timeout=60).stdout
    match = re.search(r"(\d+)\.(\d+)\.(\d+)", text)
    if not match:
        raise RuntimeError(f"cannot read the version of {cli}: {text!r}")
    major, minor, patch = (int(part) for part in match.groups())
    return major, minor, patch


@dataclass
class EngineRun:
    """One CLI run: exit code, the engine's JSON events, and the raw streams."""

    returncode: int
    events: list[dict[str, Any]]
    stdout: str
    stderr: str

    @property
    def policy_events(self) -> list[dict[str, Any]]:
        return [e["policyEvent"] for e in self.events if "policyEvent" in e]

    def violations(self, level: str = "mandatory") -> set[tuple[str, str]]:
        """(policy, resource URN) of every reported violation at `level`, "can't run" advisories excluded."""
        return {
            (p["policyName"], p.get("resourceUrn", ""))
            for p in self.policy_events
            if p.get("enforcementLevel") == level and not p.get("message", "").startswith("can't run policy")
        }

    def unknowns(self) -> set[tuple[str, str]]:
        """(policy, resource URN) of every "can't run policy during preview" advisory, one per resource.

        A stack policy reports its unknowns on the stack, one "URN<TAB>reason" line per resource.
        """
        found = set()
        for event in self.policy_events:
            message = event.get("message", "")
            if not message.startswith("can't run policy"):
                continue
            detail = message.split(UNKNOWN_MARKER, 1)[1].strip()
            for line in detail.splitlines():
                urn = line.split("\t", 1)[0] if "\t" in line else event.get("resourceUrn", "")
                found.add((event["policyName"], urn))
        return found

    @property
    def diagnostics(self) -> str:
        messages = [e["diagnosticEvent"].get("message", "") for e in self.events if "diagnosticEvent" in e]
        return "\n".join(messages) + "\n" + self.stderr


def _json_events(stdout: str) -> list[dict[str, Any]]:
    events = []
    for line in stdout.splitlines():
        line = line.strip()
        if line.startswith("{"):
            try:
                events.append(json.loads(line))
            except json.JSONDecodeError:
                continue
    return events


@dataclass
class Workspace:
    root: Path
    cli: Path
    passphrase: str = "ferpaguard-e2e"
    venv: Path = field(default_factory=lambda: REPO_ROOT / ".venv")

    def __post_init__(self) -> None:
        self.root.mkdir(parents=True, exist_ok=True)
        self.home = self.root / "pulumi-home"
        self.state = self.root / "state"
        self.bin = self.root / "bin"
        for directory in (self.home, self.state, self.bin):
            directory.mkdir(exist_ok=True)
        launcher = self.bin / "pulumi-resource-aws"
        launcher.write_text(f'#!/bin/sh\nexec "{self.venv / "bin" / "python"}" "{ECHO_PROVIDER}" "$@"\n')
        launcher.chmod(0o755)
        self.run(["login", f"file://{self.state}"]).check("pulumi login")

    @property
    def env(self) -> dict[str, str]:
        env = dict(os.environ)
        env.update(
            {
                "PULUMI_HOME": str(self.home),
                "PULUMI_CONFIG_PASSPHRASE": self.passphrase,
                "PULUMI_SKIP_UPDATE_CHECK": "true",
                "PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION": "true",
                "PULUMI_ENABLE_STREAMING_JSON_PREVIEW": "true",
                "PULUMI_SKIP_CONFIRMATIONS": "true",
                "NO_COLOR": "1",
                # The CLI's own directory first: its language host sits beside it.
                "PATH": os.pathsep.join([str(self.cli.parent), str(self.bin), env.get("PATH", "")]),
            }
        )
        env.pop("PULUMI_ACCESS_TOKEN", None)
        env.pop("PULUMI_BACKEND_URL", None)
        return env

    def run(self, args: list[str], cwd: Path | None = None) -> Completed:
        completed = subprocess.run(
            [str(self.cli), "--non-interactive", *args],
            cwd=cwd or self.root,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=COMMAND_TIMEOUT,
        )
        return Completed(completed.returncode, completed.stdout, completed.stderr)

    def project_copy(self, project_dir: Path, name: str | None = None) -> Path:
        """A copy of a Pulumi project whose Pulumi.yaml names its virtualenv by absolute path."""
        project_dir = project_dir.resolve()
        target = self.root / "projects" / (name or project_dir.name)
        if target.exists():
            shutil.rmtree(target)
        manifest = yaml.safe_load((project_dir / "Pulumi.yaml").read_text())
        main = manifest.get("main")
        target.mkdir(parents=True)
        for entry in project_dir.iterdir():
            wanted = entry.name.startswith("Pulumi.") or main is None or entry.name == Path(main).parts[0]
            if not wanted or entry.name in SKIPPED_COPY:
                continue
            if entry.is_dir():
                shutil.copytree(entry, target / entry.name, ignore=shutil.ignore_patterns(*SKIPPED_COPY))
            else:
                shutil.copy2(entry, target / entry.name)
        options = manifest.setdefault("runtime", {"name": "python"})
        if isinstance(options, str):
            options = manifest["runtime"] = {"name": options}
        virtualenv = options.setdefault("options", {}).get("virtualenv")
        options["options"]["virtualenv"] = str((project_dir / virtualenv).resolve()) if virtualenv else str(self.venv)
        (target / "Pulumi.yaml").write_text(yaml.safe_dump(manifest, sort_keys=False))
        return target

    def init_stack(self, project: Path, stack: str) -> None:
        self.run(["stack", "select", "--create", stack], cwd=project).check(f"pulumi stack select --create {stack}")

    def preview(self, project: Path, stack: str, pack: Path = PACK_DIR, config: Path | None = None) -> EngineRun:
        args = ["preview", "--stack", stack, "--json", "--policy-pack", str(pack)]
        if config is not None:
            args += ["--policy-pack-config", str(config)]
        completed = self.run(args, cwd=project)
        return EngineRun(completed.returncode, _json_events(completed.stdout), completed.stdout, completed.stderr)

    def policy_analyze(self, export: Path, pack: Path = PACK_DIR, config: Path | None = None) -> EngineRun:
        args = ["policy", "analyze", "--file", str(export), "--json", "--policy-pack", str(pack)]
        if config is not None:
            args += ["--policy-pack-config", str(config)]
        completed = self.run(args)
        return EngineRun(completed.returncode, _json_events(completed.stdout), completed.stdout, completed.stderr)


@dataclass
class Completed:
    returncode: int
    stdout: str
    stderr: str

    def check(self, what: str) -> Completed:
        if self.returncode != 0:
            raise RuntimeError(f"{what} failed ({self.returncode}): {self.stderr.strip() or self.stdout.strip()}")
        return self


def ferpaguard(*args: str) -> tuple[int, dict[str, Any] | None, str]:
    """Run the ferpaguard CLI with --format json: exit code, the JSON report (if any), stderr."""
    completed = subprocess.run(
        [sys.executable, "-m", "ferpaguard", *args, "--format", "json"],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=COMMAND_TIMEOUT,
    )
    report = json.loads(completed.stdout) if completed.stdout.strip().startswith("{") else None
    return completed.returncode, report, completed.stderr


def report_violations(report: dict[str, Any] | None, level: str = "mandatory") -> set[tuple[str, str]]:
    if report is None:
        return set()
    return {
        (f["policy"], f["urn"])
        for f in report["findings"]
        if f["status"] == "fail" and f["enforcement"] == level and f.get("source", "ferpaguard") == "ferpaguard"
    }


def report_unknowns(report: dict[str, Any] | None) -> set[tuple[str, str]]:
    if report is None:
        return set()
    return {(f["policy"], f["urn"]) for f in report["findings"] if f["status"] == "unknown"}


def report_settled(report: dict[str, Any] | None) -> set[tuple[str, str]]:
    """Unknowns a stack rule settled in the gate's report; the pack keeps the engine's protocol and reports them
    as unknown (README, issue 12: the gate and the audit resolve them, the pack does not)."""
    if report is None:
        return set()
    return {(f["policy"], f["urn"]) for f in report["findings"] if "resolvedBy" in (f.get("evidence") or {})}


def gate_report(project_dir: Path, stack: str, config: Path | None = None) -> tuple[int, dict[str, Any] | None, str]:
    args = ["gate", str(project_dir), "--stack", stack]
    if config is not None:
        args += ["--policy-config", str(config)]
    return ferpaguard(*args)


def differences_from_gate(engine: EngineRun, gate_code: int, report: dict[str, Any] | None) -> list[str]:
    """Where a real preview and `ferpaguard gate` disagree: violations, unknowns, verdict. Empty if nowhere."""
    found = []
    settled = report_settled(report)
    unsettled_by_pack = settled - engine.unknowns()
    found += [f"settled: the gate settled {policy} on {urn}, which the engine did not report unknown"
              for policy, urn in sorted(unsettled_by_pack)]
    for what, ours, theirs in (
        ("mandatory violations", engine.violations("mandatory"), report_violations(report, "mandatory") - settled),
        ("advisory violations", engine.violations("advisory"), report_violations(report, "advisory") - settled),
        ("unknowns", engine.unknowns(), report_unknowns(report) | settled),
    ):
        found += [f"{what}: only the engine reports {policy} on {urn}" for policy, urn in sorted(ours - theirs)]
        found += [f"{what}: only the gate reports {policy} on {urn}" for policy, urn in sorted(theirs - ours)]
    if (engine.returncode != 0) != (gate_code == 1):
        found.append(f"verdict: pulumi preview exited {engine.returncode}, ferpaguard gate exited {gate_code}")
    return found
