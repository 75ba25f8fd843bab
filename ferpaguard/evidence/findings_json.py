"""findings.json: the complete machine-readable record of a run (schema: findings.schema.json)."""

from __future__ import annotations

from collections.abc import Sequence
from enum import Enum
from pathlib import Path
from typing import Any

from ferpaguard.evidence.determinism import write_canonical
from ferpaguard.evidence.view import EvidenceView
from policies.model import Enforcement, Finding, Severity, Status

FILENAME = "findings.json"
FORMAT_NAME = "ferpaguard-findings"
FORMAT_VERSION = 1
SCHEMA_PATH = Path(__file__).with_name("findings.schema.json")


def records(findings: Sequence[Finding]) -> list[dict[str, Any]]:
    """What `Finding.to_dict` gives for each finding (a test holds the two equal), for 100k+ findings at
    once: the parts findings share (control labels, enum values) are built once per distinct value."""
    controls: dict[int, list[str]] = {}
    values: dict[Enum, str] = {member: member.value for kind in (Status, Enforcement, Severity) for member in kind}
    built = []
    for f in findings:
        labels = controls.get(id(f.controls))
        if labels is None:
            labels = controls[id(f.controls)] = [f"{c.framework}:{c.id}" for c in f.controls]
        evidence = f.evidence
        built.append({
            "rule_id": f.rule_id,
            "policy": f.policy,
            "title": f.title,
            "status": values[f.status],
            "enforcement": values[f.enforcement],
            "severity": values[f.severity],
            "urn": f.urn,
            "resource_type": f.resource_type,
            "resource_name": f.resource_name,
            "message": f.message,
            "source": f.source,
            "controls": labels,
            "stack": f.stack,
            "evidence": evidence if type(evidence) is dict else dict(evidence),
            "waiver": dict(f.waiver) if f.waiver else None,
        })
    return built


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
