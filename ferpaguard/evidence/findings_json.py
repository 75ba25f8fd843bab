"""findings.json: the complete machine-readable record of a run (schema: findings.schema.json)."""

from __future__ import annotations

from collections.abc import Sequence
from enum import Enum
from pathlib import Path
from typing import Any

from ferpaguard.evidence.determinism import write_canonical
from ferpaguard.evidence.view import EvidenceView
from policies.model import Finding

FILENAME = "findings.json"
FORMAT_NAME = "ferpaguard-findings"
FORMAT_VERSION = 1
SCHEMA_PATH = Path(__file__).with_name("findings.schema.json")


class _Records:
    """`Finding.to_dict` for many findings at once: the parts findings share (control labels,
    enum values) are built once per distinct value, not once per finding (100k+ in an audit)."""

    def __init__(self) -> None:
        self.controls: dict[int, list[str]] = {}
        self.values: dict[Enum, str] = {}

    def value(self, member: Enum) -> str:
        found = self.values.get(member)
        if found is None:
            found = self.values[member] = member.value
        return found

    def record(self, f: Finding) -> dict[str, Any]:
        controls = self.controls.get(id(f.controls))
        if controls is None:
            controls = self.controls[id(f.controls)] = [f"{c.framework}:{c.id}" for c in f.controls]
        return {
            "rule_id": f.rule_id,
            "policy": f.policy,
            "title": f.title,
            "status": self.value(f.status),
            "enforcement": self.value(f.enforcement),
            "severity": self.value(f.severity),
            "urn": f.urn,
            "resource_type": f.resource_type,
            "resource_name": f.resource_name,
            "message": f.message,
            "source": f.source,
            "controls": controls,
            "stack": f.stack,
            "evidence": dict(f.evidence),
            "waiver": dict(f.waiver) if f.waiver else None,
        }


def records(findings: Sequence[Finding]) -> list[dict[str, Any]]:
    """What `Finding.to_dict` gives for each finding (a test holds the two equal)."""
    builder = _Records()
    return [builder.record(f) for f in findings]


def document(view: EvidenceView) -> dict[str, Any]:
    return {
        "format": FORMAT_NAME,
        "format_version": FORMAT_VERSION,
        **view.metadata(),
        "findings": records(view.findings),
        "summary": dict(view.summary),
        "waivers": [dict(w) for w in view.waivers],
        "disagreements": [dict(d) for d in view.disagreements],
        "skipped": [dict(s) for s in view.skipped],
        "notes": list(view.notes),
    }


def write(view: EvidenceView, output_dir: Path) -> list[Path]:
    return [write_canonical(output_dir / FILENAME, document(view))]
