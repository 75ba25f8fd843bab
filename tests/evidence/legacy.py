"""The evidence writers as they were before their 100k-finding fast paths, kept as the oracle that
the fast paths must match byte for byte (test_writers_match_legacy.py). Not used by ferpaguard."""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jinja2

from ferpaguard.evidence import html_report
from ferpaguard.evidence.controls import (
    OSCAL_CATALOGS,
    control_label,
    control_sort_key,
    control_title,
    findings_by_control,
    framework_title,
    rule_meta,
)
from ferpaguard.evidence.determinism import stable_uuid
from ferpaguard.evidence.oscal import (
    COMPONENT_DEFINITION,
    OSCAL_VERSION,
    _control_heading,
    _control_selections,
    _nist_refs,
    _run_uuid,
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


@dataclass
class ControlSection:
    ref: ControlRef
    title: str
    status: str
    counts: dict[str, int]
    rules: list[RuleRow]


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
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(Path(__file__).parent),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        finalize=lambda value: xml_safe(value) if isinstance(value, str) else value,
    )
    env.filters["pretty"] = _pretty
    return env


def render_html(view: EvidenceView) -> str:
    template = environment().get_template("legacy_report.html.j2")
    rules = _rules(view)
    return template.render(
        view=view,
        meta=view.metadata(),
        summary=view.summary,
        verdict="FAIL" if view.summary["mandatory_failures"] else "PASS",
        sections=_sections(view, rules),
        rules=list(rules.values()),
        framework_title=framework_title,
        unmapped=[f for f in view.findings if not f.controls],
        statuses=[s.value for s in Status],
        scope=html_report.SCOPE,
        method=html_report.METHOD,
        limitations=html_report.LIMITATIONS,
    )


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
            found = self.props[key] = [
                prop("method", "TEST-AUTOMATED"),
                prop("rule-id", finding.rule_id),
                prop("status", finding.status.value),
                prop("enforcement", finding.enforcement.value),
                prop("severity", finding.severity.value),
                prop("source", finding.source),
                *(prop("control", control_label(ref)) for ref in finding.controls),
            ]
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
    if finding.evidence:
        values = "; ".join(f"{key}={value!s}" for key, value in sorted(finding.evidence.items()))
        observation["relevant-evidence"] = [{"description": one_line(f"Property values: {values}")}]
    if finding.waiver:
        waiver = finding.waiver
        observation["remarks"] = one_line(
            f"Waived: {waiver.get('reason', '')} (approved by {waiver.get('approver', '?')}, "
            f"expires {waiver.get('expires', '?')})"
        )
    return observation


def _state(findings: list[Finding]) -> tuple[str, str, str]:
    """OSCAL target status (state, reason) and remarks for one control's evaluations."""
    statuses = {f.status for f in findings}
    if Status.FAIL in statuses:
        return "not-satisfied", "fail", "At least one resource fails a rule mapped to this control."
    if Status.UNKNOWN in statuses:
        return "not-satisfied", "other", "Some values could not be known before deployment; not shown satisfied."
    if Status.WAIVED in statuses:
        return "not-satisfied", "other", "Failures are covered by approved, unexpired waivers."
    return "satisfied", "pass", "Every evaluated resource passes the rules mapped to this control."


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
        state, reason, remarks = _state(evaluated)
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
    run_uuid = _run_uuid(view)
    tool = _tool_component(view)
    platform_uuid = stable_uuid("assessment-platform", tool["uuid"])
    inventory, subject_uuids = _inventory(view)
    builder = _Observations(view, tool["uuid"])
    observations = [builder.build(f, i, subject_uuids[f.urn]) for i, f in enumerate(view.findings)]
    observation_uuids = {i: o["uuid"] for i, o in enumerate(observations)}
    plan_uuid = stable_uuid("plan", run_uuid)
    input_resources = [
        {
            "uuid": stable_uuid("input", run_uuid, item["path"], item["sha256"]),
            "title": one_line(f"Input: {item['path']}"),
            "props": [prop("input-kind", item["kind"]), prop("stack", item["stack"] or "-")],
            "rlinks": [{"href": item["path"], "hashes": [{"algorithm": "SHA-256", "value": item["sha256"]}]}],
        }
        for item in view.metadata()["inputs"]
    ]
    nist_refs = [ref for f in view.findings if f.status is not Status.NOT_APPLICABLE for ref in _nist_refs(f.controls)]
    local: dict[str, Any] = {
        "assessment-assets": {
            "components": [tool],
            "assessment-platforms": [
                {"uuid": platform_uuid, "title": "ferpaguard", "uses-components": [{"component-uuid": tool["uuid"]}]}
            ],
        }
    }
    if inventory:
        local["inventory-items"] = inventory
    result: dict[str, Any] = {
        "uuid": stable_uuid("result", run_uuid),
        "title": one_line(f"ferpaguard {view.command}: {', '.join(view.stacks) or 'no stack'}"),
        "description": one_line(
            f"Automated evaluation of {view.summary['resources']} resource(s) against the FERPA technical-safeguard "
            f"rules of {view.pack_name} {view.pack_version}."
        ),
        "start": view.started,
        "end": view.finished,
        "props": [prop("command", view.command), prop("pack-sha256", view.pack_hash)],
        "local-definitions": local,
        "reviewed-controls": {
            "description": "The NIST controls the policy pack's rules are mapped to and this run evaluated.",
            "control-selections": _control_selections(nist_refs) or [{"include-all": {}}],
        },
    }
    if observations:
        result["observations"] = observations
    findings = _findings(view, observation_uuids)
    if findings:
        result["findings"] = findings
    return {
        "assessment-results": {
            "uuid": run_uuid,
            "metadata": {
                "title": one_line(f"ferpaguard {view.command} assessment results"),
                "published": view.finished,
                "last-modified": view.finished,
                "version": view.tool_version,
                "oscal-version": OSCAL_VERSION,
            },
            "import-ap": {
                "href": f"#{plan_uuid}",
                "remarks": "No separate assessment plan: the policy pack (component-definition.json) is the plan.",
            },
            "results": [result],
            "back-matter": {
                "resources": [
                    {
                        "uuid": plan_uuid,
                        "title": "Assessment plan: the ferpaguard policy pack",
                        "rlinks": [{"href": COMPONENT_DEFINITION, "media-type": "application/json"}],
                    },
                    *input_resources,
                ]
            },
        }
    }
