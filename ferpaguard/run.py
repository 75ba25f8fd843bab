"""The result of one gate or audit run: what every output format is written from."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from policies.model import Enforcement, Finding, Status


@dataclass(frozen=True, slots=True)
class InputRef:
    """An evaluated input: a program's Pulumi.yaml or a stack export file."""

    path: str
    sha256: str
    kind: str  # "program" | "export"
    stack: str = ""


@dataclass(slots=True)
class RunResult:
    command: str  # "gate" | "audit"
    tool_version: str
    pack_name: str
    pack_version: str
    pack_hash: str
    inputs: list[InputRef]
    started: dt.datetime
    finished: dt.datetime
    findings: list[Finding] = field(default_factory=list)
    waivers: list[dict[str, Any]] = field(default_factory=list)
    disagreements: list[dict[str, Any]] = field(default_factory=list)
    skipped: list[dict[str, Any]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)
    resource_counts: dict[str, int] = field(default_factory=dict)
    """Per stack, how many resources the rules judged (with or without a finding)."""

    @property
    def stacks(self) -> list[str]:
        return sorted({f.stack for f in self.findings if f.stack} | {i.stack for i in self.inputs if i.stack})

    @property
    def mandatory_failures(self) -> list[Finding]:
        return [f for f in self.findings if f.is_mandatory_failure]

    def summary(self) -> dict[str, Any]:
        return summarise_stacks(self.findings, self.stacks, self.resource_counts) | {
            "disagreements": len(self.disagreements),
            "timings": {k: round(v, 3) for k, v in sorted(self.timings.items())},
        }


def summarise_stacks(
    findings: Sequence[Finding], stacks: Sequence[str], resource_counts: Mapping[str, int]
) -> dict[str, Any]:
    """The whole run's counts, and each stack's under `stacks`."""
    total = sum(resource_counts.values()) if resource_counts else None
    by_stack: dict[str, list[Finding]] = {stack: [] for stack in stacks}
    for finding in findings:  # one pass, not one per stack: audits of hundreds of exports
        if finding.stack in by_stack:
            by_stack[finding.stack].append(finding)
    return summarise(findings, total) | {
        "stacks": {stack: summarise(by_stack[stack], resource_counts.get(stack)) for stack in stacks},
    }


def summarise(findings: Sequence[Finding], resources: int | None = None) -> dict[str, Any]:
    """Counts by status; `resources` is how many were judged (default: those with a finding)."""
    # One pass counting (status, enforcement) pairs: reading `.value` of an enum per finding is what cost.
    pairs = Counter((f.status, f.enforcement) for f in findings)
    by_status: Counter[Status] = Counter()
    for (status, _), count in pairs.items():
        by_status[status] += count
    return {
        "total": len(findings),
        "by_status": {status.value: by_status.get(status, 0) for status in Status},
        "mandatory_failures": pairs.get((Status.FAIL, Enforcement.MANDATORY), 0),
        "advisory_failures": pairs.get((Status.FAIL, Enforcement.ADVISORY), 0),
        "resources": len({f.urn for f in findings if f.urn}) if resources is None else resources,
    }
