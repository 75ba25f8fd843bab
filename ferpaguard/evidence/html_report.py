"""report.html: one self-contained page per run, organised by control (Jinja2, autoescaped)."""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jinja2

from ferpaguard.evidence.controls import control_label, control_title, findings_by_control, framework_title, rule_meta
from ferpaguard.evidence.determinism import write_text
from ferpaguard.evidence.text import xml_safe
from ferpaguard.evidence.view import STATUS_ORDER, EvidenceView
from policies.model import ControlRef, Finding, Status

FILENAME = "report.html"
TEMPLATE = "report.html.j2"

SCOPE = (
    "ferpaguard evaluates the infrastructure a Pulumi program declares (gate) or a stack export records (audit) "
    "against its FERPA technical-safeguard rules, mapped to FERPA (34 CFR Part 99), the US ED PTAC Data Security "
    "Checklist, NIST SP 800-53 Rev. 5 and NIST SP 800-171 Rev. 3."
)
METHOD = (
    "Automated test: each rule is a pure function over the resource properties the Pulumi engine sends "
    "(inputs during preview, outputs in stack exports). Stack rules see the relations between resources. "
    "checkov, where it ran, is a secondary scanner whose disagreements are listed below."
)
LIMITATIONS = (
    "Values not known before deployment are reported as unknown, never as pass. Only the technical controls "
    "listed here are assessed; FERPA's administrative and procedural obligations (annual notification, "
    "consent, disclosure decisions) are out of scope. Secret values are never shown; they appear as [secret]."
)


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
        loader=jinja2.FileSystemLoader(Path(__file__).with_name("templates")),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        finalize=lambda value: xml_safe(value) if isinstance(value, str) else value,
    )
    env.filters["pretty"] = _pretty
    return env


def render(view: EvidenceView) -> str:
    template = environment().get_template(TEMPLATE)
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
        scope=SCOPE,
        method=METHOD,
        limitations=LIMITATIONS,
    )


def write(view: EvidenceView, output_dir: Path) -> list[Path]:
    return [write_text(output_dir / FILENAME, render(view))]
