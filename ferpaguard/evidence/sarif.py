"""findings.sarif: SARIF 2.1.0 for GitHub code scanning.

Only fail, unknown and waived findings become results (a waived one carries an
accepted external suppression). Every result points at the input file it came
from (line 1: the finding is about a resource, not a line) and names the
resource's URN as its logical location.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from ferpaguard.evidence.controls import SECURITY_SEVERITY, control_label, rule_meta
from ferpaguard.evidence.determinism import write_canonical
from ferpaguard.evidence.view import EvidenceView
from policies.model import Enforcement, Finding, Severity, Status

FILENAME = "findings.sarif"
SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
MAX_RESULTS = 5000
"""GitHub rejects a run over 25,000 results and keeps only the top 5,000 by severity; we choose which, and say so."""
MAX_TAGS = 10
"""GitHub accepts 20 tags per rule and shows 10."""
FINGERPRINT_KEY = "ferpaguardFinding/v1"
REPORTED = (Status.FAIL, Status.UNKNOWN, Status.WAIVED)
SEVERITY_RANK = {Severity.CRITICAL: 0, Severity.HIGH: 1, Severity.MEDIUM: 2, Severity.LOW: 3}
STATUS_RANK = {Status.FAIL: 0, Status.UNKNOWN: 1, Status.WAIVED: 2}


def fingerprint(finding: Finding) -> str:
    return hashlib.sha256(f"{finding.rule_id}\n{finding.urn}".encode()).hexdigest()


def _level(finding: Finding) -> str:
    if finding.status is Status.FAIL and finding.enforcement is Enforcement.MANDATORY:
        return "error"
    if finding.status is Status.WAIVED:
        return "note"
    return "warning"


def _priority(finding: Finding) -> tuple[int, int, int]:
    mandatory = 0 if finding.enforcement is Enforcement.MANDATORY else 1
    return STATUS_RANK[finding.status], mandatory, SEVERITY_RANK[finding.severity]


def _rule(finding: Finding) -> dict[str, Any]:
    meta = rule_meta(finding.rule_id)
    remediation = meta.remediation if meta else f"See the {finding.source} documentation for {finding.rule_id}."
    description = meta.description if meta else finding.title
    controls = [control_label(ref) for ref in finding.controls]
    tags = ["security", "compliance", "ferpa", *controls][:MAX_TAGS]
    return {
        "id": finding.rule_id,
        "name": finding.policy or finding.rule_id,
        "shortDescription": {"text": finding.title or finding.rule_id},
        "fullDescription": {"text": description or finding.title or finding.rule_id},
        "help": {
            "text": f"{remediation}\n\nControls: {', '.join(controls) or 'none mapped'}",
            "markdown": f"**Remediation:** {remediation}\n\n**Controls:** {', '.join(controls) or 'none mapped'}",
        },
        "defaultConfiguration": {"level": "error" if finding.enforcement is Enforcement.MANDATORY else "warning"},
        "properties": {
            "security-severity": SECURITY_SEVERITY[finding.severity],
            "precision": "very-high",
            "problem.severity": "error" if finding.enforcement is Enforcement.MANDATORY else "warning",
            "tags": tags,
            "ferpaguard/controls": controls,
            "ferpaguard/source": finding.source,
        },
    }


def _result(finding: Finding, rule_index: int, uri: str) -> dict[str, Any]:
    prefix = "" if finding.status is Status.FAIL else f"[{finding.status.value}] "
    result: dict[str, Any] = {
        "ruleId": finding.rule_id,
        "ruleIndex": rule_index,
        "level": _level(finding),
        "message": {"text": f"{prefix}{finding.message} ({finding.resource_type} {finding.resource_name})"},
        "locations": [
            {
                "physicalLocation": {"artifactLocation": {"uri": uri}, "region": {"startLine": 1}},
                "logicalLocations": [
                    {"fullyQualifiedName": finding.urn, "name": finding.resource_name, "kind": "resource"}
                ],
            }
        ],
        "partialFingerprints": {FINGERPRINT_KEY: fingerprint(finding)},
        "properties": {
            "ferpaguard/status": finding.status.value,
            "ferpaguard/enforcement": finding.enforcement.value,
            "ferpaguard/stack": finding.stack,
            "ferpaguard/resourceType": finding.resource_type,
        },
    }
    if finding.status is Status.WAIVED:
        waiver = finding.waiver or {}
        justification = "; ".join(
            f"{key}: {waiver[key]}" for key in ("reason", "approver", "expires") if waiver.get(key)
        )
        result["suppressions"] = [
            {"kind": "external", "status": "accepted", "justification": justification or "waived"}
        ]
    return result


def document(view: EvidenceView) -> dict[str, Any]:
    reported = [f for f in view.findings if f.status in REPORTED]
    kept = sorted(reported, key=lambda f: (_priority(f), f.rule_id, f.urn))[:MAX_RESULTS]
    kept.sort(key=lambda f: (f.rule_id, f.urn, f.message))
    rules: dict[str, dict[str, Any]] = {}
    for finding in sorted(reported, key=lambda f: f.rule_id):
        rules.setdefault(finding.rule_id, _rule(finding))
    index = {rule_id: position for position, rule_id in enumerate(rules)}
    results = [_result(f, index[f.rule_id], view.input_uri(f)) for f in kept]
    run: dict[str, Any] = {
        "tool": {
            "driver": {
                "name": "ferpaguard",
                "version": view.tool_version,
                "rules": list(rules.values()),
                "properties": {"pack": view.pack_name, "packVersion": view.pack_version, "packSha256": view.pack_hash},
            }
        },
        "automationDetails": {"id": f"ferpaguard/{view.command}/{'+'.join(view.stacks) or 'default'}/"},
        "results": results,
        "properties": {
            "ferpaguard/inputs": [{"uri": m["path"], "sha256": m["sha256"]} for m in view.metadata()["inputs"]],
            "ferpaguard/started": view.started,
            "ferpaguard/finished": view.finished,
        },
    }
    if len(reported) > len(kept):
        note = (
            f"{len(reported)} results exceed GitHub code scanning's limit; kept the {len(kept)} most severe. "
            "findings.json has them all."
        )
        run["invocations"] = [
            {
                "executionSuccessful": True,
                "toolExecutionNotifications": [{"level": "warning", "message": {"text": note}}],
            }
        ]
        run["properties"]["ferpaguard/truncated"] = {"total": len(reported), "kept": len(kept)}
    return {"$schema": SCHEMA_URI, "version": "2.1.0", "runs": [run]}


def write(view: EvidenceView, output_dir: Path) -> list[Path]:
    return [write_canonical(output_dir / FILENAME, document(view))]
