"""report.html: one self-contained page per run, organised by control (Jinja2, autoescaped)."""

from __future__ import annotations

import json
import operator
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2
import orjson
from markupsafe import Markup, escape

from ferpaguard.evidence.controls import control_label, control_sort_key, control_title, framework_title, rule_meta
from ferpaguard.evidence.determinism import write_text
from ferpaguard.evidence.text import xml_safe
from ferpaguard.evidence.view import STATUS_ORDER, EvidenceView
from policies.model import ControlRef, Enforcement, Finding, Severity, Status

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


class RenderedRows(Markup):
    """A rule's table rows, escaped here rather than in the template: an audit has 100k+ rows, and
    a Jinja loop over them costs seconds. The template's finalize passes them through unchanged."""

    __slots__ = ()


@dataclass
class RuleRow:
    rule_id: str
    title: str
    anchor: str
    rows: RenderedRows
    remediation: str = ""
    controls: str = ""


@dataclass
class ControlSection:
    ref: ControlRef
    title: str
    status: str
    counts: dict[str, int]
    rules: list[RuleRow]


def _anchor(rule_id: str) -> str:
    return "rule-" + "".join(char if char.isalnum() or char in "-_" else "_" for char in rule_id)


def _finalize(value: Any) -> Any:
    if type(value) is RenderedRows:
        return value
    return xml_safe(value) if isinstance(value, str) else value


def _cell(value: Any) -> Markup:
    """What `{{ value }}` writes in the template: the finalized value, HTML-escaped."""
    return escape(_finalize(value))


class _RowRenderer:
    """The rows of the rule tables, as the template wrote them row by row. Text many rows share
    (messages, a resource type with its stack, the status and enforcement cells) is escaped once."""

    def __init__(self) -> None:
        self.messages: dict[str, str] = {}
        self.kinds: dict[tuple[str, str], str] = {}
        self.outcomes: dict[tuple[Status, Enforcement, Severity], str] = {}

    def message(self, message: str) -> str:
        if type(message) is not str:
            return _cell(message)
        found = self.messages.get(message)
        if found is None:
            found = self.messages[message] = _cell(message)
        return found

    def kind(self, resource_type: str, stack: str) -> str:
        """The resource type, and the stack when there is one."""
        shareable = type(resource_type) is str and type(stack) is str
        found = self.kinds.get((resource_type, stack)) if shareable else None
        if found is None:
            found = f"{_cell(resource_type)} &middot; {_cell(stack)}" if stack else _cell(resource_type)
            if shareable:
                self.kinds[resource_type, stack] = found
        return found

    def outcome(self, status: Status, enforcement: Enforcement, severity: Severity) -> str:
        found = self.outcomes.get((status, enforcement, severity))
        if found is None:
            shown = _cell(status.value)
            found = self.outcomes[status, enforcement, severity] = (
                f'<td><span class="status status-{shown}">{shown}</span></td>\n'
                f"<td>{_cell(enforcement.value)} / {_cell(severity.value)}</td>\n"
            )
        return found

    def rows(self, findings: list[Finding]) -> RenderedRows:
        names = _cells([f.resource_name for f in findings])
        urns = _cells([f.urn for f in findings])
        rows = []
        for f, name, urn in zip(findings, names, urns, strict=True):
            evidence = f"<pre>{_cell(_pretty(f.evidence))}</pre>" if f.evidence else "-"
            waiver = _waiver_cell(f.waiver) if f.waiver else "-"
            rows.append(
                f'<tr>\n<td><span class="urn">{name}</span><br>'
                f"<small>{self.kind(f.resource_type, f.stack)}</small><br>"
                f'<small class="urn">{urn}</small></td>\n'
                f"{self.outcome(f.status, f.enforcement, f.severity)}"
                f"<td>{self.message(f.message)}</td>\n<td>{evidence}</td>\n<td>{waiver}</td>\n</tr>\n"
            )
        return RenderedRows("".join(rows))


def _cells(values: list[Any]) -> list[str]:
    """`[_cell(value) for value in values]` with one escape call for all of them: escaping replaces
    characters one by one, and no finalized text holds the NUL that separates them (xml_safe replaces it)."""
    if all(type(value) is str for value in values):
        cells = str.split(escape("\x00".join(map(xml_safe, values))), "\x00")
        if len(cells) == len(values):
            return cells
    return [_cell(value) for value in values]


def _waiver_cell(waiver: Mapping[str, Any]) -> str:
    reason, approver, expires = waiver.get("reason", ""), waiver.get("approver", "?"), waiver.get("expires", "?")
    return f"{_cell(reason)}<br><small>approved by {_cell(approver)}, expires {_cell(expires)}</small>"


_STACK_AND_URN = operator.attrgetter("stack", "urn")


def _by_rule(findings: Iterable[Finding]) -> dict[str, list[Finding]]:
    """Each rule's findings ordered by (status, stack, URN), rules by id: `sorted` by
    (rule, STATUS_ORDER, stack, urn), one stable bucket per rule and status."""
    buckets: dict[str, dict[Status, list[Finding]]] = {}
    for finding in findings:
        by_status = buckets.get(finding.rule_id)
        if by_status is None:
            by_status = buckets[finding.rule_id] = {}
        bucket = by_status.get(finding.status)
        if bucket is None:
            by_status[finding.status] = [finding]
        else:
            bucket.append(finding)
    ordered: dict[str, list[Finding]] = {}
    for rule_id in sorted(buckets):
        by_status = buckets[rule_id]
        ordered[rule_id] = rule_findings = []
        for status in sorted(by_status, key=STATUS_ORDER.__getitem__):
            rule_findings += sorted(by_status[status], key=_STACK_AND_URN)
    return ordered


def _rules(view: EvidenceView) -> dict[str, RuleRow]:
    renderer = _RowRenderer()
    rules: dict[str, RuleRow] = {}
    for rule_id, findings in _by_rule(view.findings).items():
        first = findings[0]
        meta = rule_meta(rule_id)
        rules[rule_id] = RuleRow(
            rule_id,
            first.title,
            _anchor(rule_id),
            renderer.rows(findings),
            remediation=meta.remediation if meta else "",
            controls=", ".join(control_label(ref) for ref in first.controls),
        )
    return rules


def _tallies(findings: Iterable[Finding]) -> dict[ControlRef, Counter[tuple[str, Status]]]:
    """`findings_by_control`, counted: each control's (rule, status) tallies, controls in its order.
    Findings of one rule share their controls tuple, so tuples are told apart by identity."""
    per_tuple: dict[int, tuple[tuple[ControlRef, ...], Counter[tuple[str, Status]]]] = {}
    for finding in findings:
        entry = per_tuple.get(id(finding.controls))
        if entry is None:
            entry = per_tuple[id(finding.controls)] = (finding.controls, Counter())
        entry[1][finding.rule_id, finding.status] += 1
    grouped: dict[ControlRef, Counter[tuple[str, Status]]] = {}
    for refs, tally in per_tuple.values():
        for ref in refs:
            grouped.setdefault(ref, Counter()).update(tally)
    return {ref: grouped[ref] for ref in sorted(grouped, key=control_sort_key)}


def _sections(view: EvidenceView, rules: dict[str, RuleRow]) -> dict[str, list[ControlSection]]:
    frameworks: dict[str, list[ControlSection]] = defaultdict(list)
    for ref, tally in _tallies(view.findings).items():
        counts = {status.value: 0 for status in Status}
        for (_, status), count in tally.items():
            counts[status.value] += count
        worst = min((status for _, status in tally), key=STATUS_ORDER.__getitem__)
        rows = [rules[rule_id] for rule_id in sorted({rule_id for rule_id, _ in tally})]
        frameworks[ref.framework].append(ControlSection(ref, control_title(ref), worst.value, counts, rows))
    return dict(frameworks)


def _pretty(value: Any) -> str:
    if _orjson_spells_alike(value):
        return orjson.dumps(value, option=orjson.OPT_INDENT_2 | orjson.OPT_SORT_KEYS).decode()
    return json.dumps(value, indent=2, sort_keys=True, ensure_ascii=False)


def _orjson_spells_alike(value: Any, depth: int = 0) -> bool:
    """True when orjson writes `value` exactly as `_pretty`'s json.dumps does, ten times faster: dicts
    with ASCII text keys, lists, ASCII text, 64-bit integers, booleans and None, at most 32 levels.
    Not floats (the two spell some differently), nor anything json.dumps refuses."""
    kind = type(value)
    if kind is str:
        return value.isascii()
    if kind is bool or value is None:
        return True
    if kind is int:
        return -(1 << 63) <= value < 1 << 64
    if depth >= 32:
        return False
    if kind is dict:
        return all(type(k) is str and k.isascii() and _orjson_spells_alike(v, depth + 1) for k, v in value.items())
    if kind is list:
        return all(_orjson_spells_alike(item, depth + 1) for item in value)
    return False


def environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(Path(__file__).with_name("templates")),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        finalize=_finalize,
    )
    env.filters["pretty"] = _pretty
    return env


def render(view: EvidenceView) -> str:
    rules = _rules(view)
    return environment().get_template(TEMPLATE).render(page(view, list(rules.values()), _sections(view, rules)))


def page(view: EvidenceView, rules: list[Any], sections: dict[str, list[ControlSection]]) -> dict[str, Any]:
    """What the template reads: the run, its rule tables and its control sections."""
    return {
        "view": view,
        "meta": view.metadata(),
        "summary": view.summary,
        "verdict": "FAIL" if view.summary["mandatory_failures"] else "PASS",
        "sections": sections,
        "rules": rules,
        "framework_title": framework_title,
        "unmapped": [f for f in view.findings if not f.controls],
        "statuses": [s.value for s in Status],
        "scope": SCOPE,
        "method": METHOD,
        "limitations": LIMITATIONS,
    }


def write(view: EvidenceView, output_dir: Path) -> list[Path]:
    return [write_text(output_dir / FILENAME, render(view))]
