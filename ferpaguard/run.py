"""The result of one gate or audit run: what every output format is written from."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Mapping
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

    @property
    def stacks(self) -> list[str]:
        return sorted({f.stack for f in self.findings if f.stack} | {i.stack for i in self.inputs if i.stack})

    @property
    def mandatory_failures(self) -> list[Finding]:
        return [f for f in self.findings if f.is_mandatory_failure]

    def summary(self) -> dict[str, Any]:
        return summarise(self.findings) | {
            "stacks": {stack: summarise([f for f in self.findings if f.stack == stack]) for stack in self.stacks},
            "disagreements": len(self.disagreements),
            "timings": {k: round(v, 3) for k, v in sorted(self.timings.items())},
        }


def summarise(findings: list[Finding]) -> dict[str, Any]:
    by_status: Mapping[str, int] = Counter(f.status.value for f in findings)
    return {
        "total": len(findings),
        "by_status": {status.value: by_status.get(status.value, 0) for status in Status},
        "mandatory_failures": sum(1 for f in findings if f.is_mandatory_failure),
        "advisory_failures": sum(
            1 for f in findings if f.status is Status.FAIL and f.enforcement is Enforcement.ADVISORY
        ),
        "resources": len({f.urn for f in findings if f.urn}),
    }
