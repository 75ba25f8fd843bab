"""The evidence writers as they were before their 100k-finding fast paths, kept as the oracle that
the fast paths must match byte for byte (test_writers_match_legacy.py). Not used by ferpaguard."""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jinja2

from ferpaguard.evidence import html_report, oscal
from ferpaguard.evidence.controls import (
    OSCAL_CATALOGS,
    control_label,
    control_sort_key,
    control_title,
    findings_by_control,
    rule_meta,
)
from ferpaguard.evidence.determinism import stable_uuid
from ferpaguard.evidence.html_report import ControlSection
from ferpaguard.evidence.oscal import (
    _add_evidence_and_waiver,
    _control_heading,
    _control_selections,
    _nist_refs,
    _observation_props,
    _run_uuid,
    _state,
    _tool_component,
    prop,
)
from ferpaguard.evidence.text import one_line, xml_safe
from ferpaguard.evidence.view import STATUS_ORDER, EvidenceView
from policies.model import ControlRef, Finding, Status

# report.html: a Jinja loop over every finding (legacy_report.html.j2).


@dataclass
class RuleRow:
    rule_id: str
    title: str
    anchor: str
    findings: list[Finding] = field(default_factory=list)
    remediation: str = ""
    controls: str = ""


def rollup(findings: list[Finding]) -> str:
    if not findings:
        return Status.NOT_APPLICABLE.value
    return min(findings, key=lambda f: STATUS_ORDER[f.status]).status.value


def _counts(findings: list[Finding]) -> dict[str, int]:
    counts = {status.value: 0 for status in Status}
    for finding in findings:
        counts[finding.status.value] += 1
    return counts


def _anchor(rule_id: str) -> str:
    return "rule-" + "".join(char if char.isalnum() or char in "-_" else "_" for char in rule_id)


def _rules(view: EvidenceView) -> dict[str, RuleRow]:
    rules: dict[str, RuleRow] = {}
    for finding in sorted(view.findings, key=lambda f: (f.rule_id, STATUS_ORDER[f.status], f.stack, f.urn)):
        if finding.rule_id not in rules:
            meta = rule_meta(finding.rule_id)
            rules[finding.rule_id] = RuleRow(
                finding.rule_id,
                finding.title,
                _anchor(finding.rule_id),
                remediation=meta.remediation if meta else "",
                controls=", ".join(control_label(ref) for ref in finding.controls),
            )
        rules[finding.rule_id].findings.append(finding)
    return rules


def _sections(view: EvidenceView, rules: dict[str, RuleRow]) -> dict[str, list[ControlSection]]:
    frameworks: dict[str, list[ControlSection]] = defaultdict(list)
    for ref, findings in findings_by_control(view.findings).items():
        rows = [rules[rule_id] for rule_id in sorted({f.rule_id for f in findings})]
        section = ControlSection(ref, control_title(ref), rollup(findings), _counts(findings), rows)
        frameworks[ref.framework].append(section)
    return dict(frameworks)


def _pretty(value: Any) -> str:
    return json.dumps(value, indent=2, sort_keys=True, ensure_ascii=False)


def environment() -> jinja2.Environment:
    """The report's environment with the old template, finalize and evidence printer."""
    env = html_report.environment()
    env.loader = jinja2.FileSystemLoader(Path(__file__).parent)
    env.finalize = lambda value: xml_safe(value) if isinstance(value, str) else value
    env.filters["pretty"] = _pretty
    return env


def render_html(view: EvidenceView) -> str:
    rules = _rules(view)
    page = html_report.page(view, list(rules.values()), _sections(view, rules))
    return environment().get_template("legacy_report.html.j2").render(page)


# oscal/assessment-results.json: inventory, observations and findings each built from every finding.


def _inventory(view: EvidenceView) -> tuple[list[dict[str, Any]], dict[str, str]]:
    items, uuids = [], {}
    for finding in view.findings:
        if finding.urn in uuids:
            continue
        uuids[finding.urn] = stable_uuid("inventory-item", finding.urn)
        items.append(
            {
                "uuid": uuids[finding.urn],
                "description": one_line(f"{finding.resource_type} {finding.resource_name}"),
                "props": [
                    prop("asset-id", finding.urn, ns=None),
                    prop("resource-type", finding.resource_type),
                    prop("stack", finding.stack or "-"),
                ],
            }
        )
    return items, uuids


class _Observations:
    """Builds observations; what many findings share (their props, the run's uuid) is built once
    and shared, since an audit of 100k resources has 100k+ observations."""

    def __init__(self, view: EvidenceView, tool: str) -> None:
        self.view = view
        self.run_uuid = _run_uuid(view)
        self.origins = [{"actors": [{"type": "tool", "actor-uuid": tool}]}]
        self.props: dict[tuple[Any, ...], list[dict[str, str]]] = {}

    def shared_props(self, finding: Finding) -> list[dict[str, str]]:
        key = (finding.rule_id, finding.status, finding.enforcement, finding.severity, finding.source,
               finding.controls)
        found = self.props.get(key)
        if found is None:
            found = self.props[key] = _observation_props(finding)
        return found

    def build(self, finding: Finding, index: int, subject: str) -> dict[str, Any]:
        return _observation(self, finding, index, subject)


def _observation(builder: _Observations, finding: Finding, index: int, subject: str) -> dict[str, Any]:
    view = builder.view
    observation: dict[str, Any] = {
        "uuid": stable_uuid("observation", builder.run_uuid, str(index), finding.rule_id, finding.urn),
        "title": one_line(f"{finding.rule_id} on {finding.resource_name}"),
        "description": one_line(f"{finding.status.value}: {finding.message}"),
        "props": builder.shared_props(finding),
        "methods": ["TEST"],
        "types": ["finding" if finding.status is Status.FAIL else "control-objective"],
        "origins": builder.origins,
        "subjects": [{"subject-uuid": subject, "type": "inventory-item"}],
        "collected": view.finished,
    }
    _add_evidence_and_waiver(observation, finding)
    return observation


def _findings(view: EvidenceView, observations: dict[int, str]) -> list[dict[str, Any]]:
    by_control: dict[ControlRef, list[int]] = defaultdict(list)
    for index, finding in enumerate(view.findings):
        if finding.status is Status.NOT_APPLICABLE:
            continue
        for ref in _nist_refs(finding.controls):
            by_control[ref].append(index)
    results = []
    run_uuid = _run_uuid(view)
    for ref in sorted(by_control, key=control_sort_key):
        indexes = by_control[ref]
        evaluated = [view.findings[i] for i in indexes]
        state, reason, remarks = _state({f.status for f in evaluated})
        tally = Counter(f.status for f in evaluated)
        counts = ", ".join(f"{tally[s]} {s.value}" for s in Status if tally[s])
        catalog = OSCAL_CATALOGS[ref.framework]
        results.append(
            {
                "uuid": stable_uuid("finding", run_uuid, ref.framework, ref.id),
                "title": _control_heading(ref),
                "description": one_line(f"{len(evaluated)} automated evaluation(s): {counts}."),
                "props": [prop("catalog", catalog.title), prop("control-id", catalog.control_id(ref.id))],
                "target": {
                    "type": "statement-id",
                    "target-id": catalog.statement_id(ref.id),
                    "title": _control_heading(ref),
                    "status": {"state": state, "reason": reason},
                    "remarks": remarks,
                },
                "related-observations": [{"observation-uuid": observations[i]} for i in indexes],
            }
        )
    return results


def assessment_results(view: EvidenceView) -> dict[str, Any]:
    """The document as before: the run's envelope (unchanged code) from `oscal.assessment_results`,
    with the parts the fast path rebuilt (inventory, observations, reviewed controls, findings)
    built the old way."""
    document = oscal.assessment_results(view)
    result = document["assessment-results"]["results"][0]
    tool = _tool_component(view)
    inventory, subject_uuids = _inventory(view)
    builder = _Observations(view, tool["uuid"])
    observations = [builder.build(f, i, subject_uuids[f.urn]) for i, f in enumerate(view.findings)]
    observation_uuids = {i: o["uuid"] for i, o in enumerate(observations)}
    nist_refs = [ref for f in view.findings if f.status is not Status.NOT_APPLICABLE for ref in _nist_refs(f.controls)]
    local = result["local-definitions"]
    for parts, key, value in (
        (local, "inventory-items", inventory),
        (result, "observations", observations),
        (result, "findings", _findings(view, observation_uuids)),
    ):
        parts.pop(key, None)
        if value:
            parts[key] = value
    result["reviewed-controls"]["control-selections"] = _control_selections(nist_refs) or [{"include-all": {}}]
    return document
