"""findings.junit.xml: one test case per rule and resource, for CI test reporters.

classname is the rule id, name the resource URN. fail -> <failure>, unknown ->
<error> (the check could not decide), waived and not_applicable -> <skipped>.

The XML text is written directly, exactly as ElementTree's serializer (Python 3.11) writes the same
tree: attributes in insertion order, empty elements as `<tag ... />`, its escaping of text and
attributes, UTF-8 with character references for what UTF-8 cannot encode. Serialising a 300k-element
tree through ElementTree took seconds for an audit's 143k findings; tests hold the two byte-identical.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from ferpaguard.evidence.text import xml_safe
from ferpaguard.evidence.view import STATUS_ORDER, EvidenceView
from policies.model import Finding, Status

FILENAME = "findings.junit.xml"
_DECLARATION = '<?xml version="1.0" encoding="utf-8"?>\n'

Case = tuple[str, str, list[Finding]]
"""(rule_id, urn, that rule's findings on that resource in the view's order): one test case."""

_PASS, _FAIL, _UNKNOWN, _WAIVED = Status.PASS, Status.FAIL, Status.UNKNOWN, Status.WAIVED


def escape_text(text: str) -> str:
    """Character data as ElementTree writes it (`_escape_cdata`)."""
    if "&" in text:
        text = text.replace("&", "&amp;")
    if "<" in text:
        text = text.replace("<", "&lt;")
    if ">" in text:
        text = text.replace(">", "&gt;")
    return text


def escape_attribute(text: str) -> str:
    """An attribute value as ElementTree writes it (`_escape_attrib`): line breaks and tabs as references."""
    if "&" in text:
        text = text.replace("&", "&amp;")
    if "<" in text:
        text = text.replace("<", "&lt;")
    if ">" in text:
        text = text.replace(">", "&gt;")
    if '"' in text:
        text = text.replace('"', "&quot;")
    if "\r" in text:
        text = text.replace("\r", "&#13;")
    if "\n" in text:
        text = text.replace("\n", "&#10;")
    if "\t" in text:
        text = text.replace("\t", "&#09;")
    return text


def _attributes(pairs: Sequence[tuple[str, str]]) -> str:
    return "".join(f' {name}="{escape_attribute(value)}"' for name, value in pairs)


def _suites(findings: Sequence[Finding]) -> list[tuple[str, list[Case]]]:
    """Each stack's test cases in (rule_id, urn) order, stacks in order. A view's findings already come
    in that order, so its cases are runs of equal keys; findings in any other order are grouped and sorted."""
    suites: list[tuple[str, list[Case]]] = []
    cases: list[Case] = []
    current: list[Finding] = []
    last_stack = last_rule = last_urn = ""
    for finding in findings:
        stack, rule_id, urn = finding.stack, finding.rule_id, finding.urn
        if stack != last_stack or not suites:
            if suites and stack < last_stack:
                return _sorted_suites(findings)
            cases = []
            suites.append((stack, cases))
            last_stack = stack
        elif urn == last_urn and rule_id == last_rule:
            current.append(finding)
            continue
        elif rule_id < last_rule or (rule_id == last_rule and urn < last_urn):
            return _sorted_suites(findings)
        current = [finding]
        cases.append((rule_id, urn, current))
        last_rule, last_urn = rule_id, urn
    return suites


def _sorted_suites(findings: Sequence[Finding]) -> list[tuple[str, list[Case]]]:
    by_stack: dict[str, dict[tuple[str, str], list[Finding]]] = {}
    for finding in findings:
        by_stack.setdefault(finding.stack, {}).setdefault((finding.rule_id, finding.urn), []).append(finding)
    return [(stack, [(rule_id, urn, group) for (rule_id, urn), group in sorted(by_stack[stack].items())])
            for stack in sorted(by_stack)]


def _result(worst: Finding, relevant: list[Finding]) -> str:
    """The <failure>, <error> or <skipped> element of a case whose worst status is not pass."""
    message = xml_safe(" | ".join(dict.fromkeys(f.message for f in relevant)))
    status = worst.status
    if status is _FAIL:
        kind = f"{worst.enforcement.value}/{worst.severity.value}"
        return f"<failure{_attributes([('message', message), ('type', kind)])} />"
    if status is _UNKNOWN:
        return f"<error{_attributes([('message', message), ('type', 'unknown')])} />"
    if status is _WAIVED:
        waiver = worst.waiver or {}
        detail = ", ".join(f"{k}: {waiver[k]}" for k in ("reason", "approver", "expires") if waiver.get(k))
        text = f"waived ({detail}): {message}" if detail else f"waived: {message}"
        return f'<skipped message="{escape_attribute(xml_safe(text))}" />'
    return f'<skipped message="{escape_attribute(xml_safe(f"not applicable: {message}"))}" />'


def _suite(view: EvidenceView, stack: str, cases: list[Case], properties: str, tally: list[int]) -> str:
    """One stack's <testsuite>; adds its (tests, failures, errors, skipped) to `tally`."""
    parts: list[str] = []
    failures = errors = skipped = 0
    classnames: dict[str, str] = {}
    for rule_id, urn, findings in cases:
        if len(findings) == 1:
            worst = findings[0]
            relevant = findings
        else:
            worst = min(findings, key=lambda f: STATUS_ORDER[f.status])
            relevant = [f for f in findings if f.status is worst.status]
        classname = classnames.get(rule_id)
        if classname is None:
            classname = classnames[rule_id] = escape_attribute(xml_safe(rule_id))
        status = worst.status
        if status is _PASS:
            result = ""
        else:
            result = _result(worst, relevant)
            if status is _FAIL:
                failures += 1
            elif status is _UNKNOWN:
                errors += 1
            else:
                skipped += 1
        out = xml_safe(f"{worst.title} [{worst.resource_type}] {worst.resource_name}")
        system_out = f"<system-out>{escape_text(out)}</system-out>" if out else "<system-out />"
        parts.append(f'<testcase name="{escape_attribute(xml_safe(urn))}" classname="{classname}" time="0.0">'
                     f"{result}{system_out}</testcase>")
    for position, count in enumerate((len(cases), failures, errors, skipped)):
        tally[position] += count
    head = _attributes([("name", xml_safe(f"ferpaguard: {stack or 'default'}")), ("timestamp", view.started),
                        ("tests", str(len(cases))), ("errors", str(errors)), ("failures", str(failures)),
                        ("skipped", str(skipped)), ("time", "0.0")])
    return f"<testsuite{head}>{properties}{''.join(parts)}</testsuite>"


def _properties(view: EvidenceView) -> str:
    pairs = [("ferpaguard.version", xml_safe(view.tool_version)), ("pack.name", xml_safe(view.pack_name)),
             ("pack.version", xml_safe(view.pack_version)), ("pack.sha256", view.pack_hash)]
    for position, item in enumerate(view.metadata()["inputs"]):
        pairs += [(f"input.{position}.path", xml_safe(item["path"])), (f"input.{position}.sha256", item["sha256"])]
    pairs += [("started", view.started), ("finished", view.finished)]
    items = "".join(f"<property{_attributes([('name', name), ('value', value)])} />" for name, value in pairs)
    return f"<properties>{items}</properties>"


def document(view: EvidenceView) -> bytes:
    """The JUnit XML, written as text in one pass and encoded once."""
    suites = _suites(view.findings)
    properties = _properties(view) if suites else ""
    tally = [0, 0, 0, 0]
    body = "".join([_suite(view, stack, cases, properties, tally) for stack, cases in suites])
    tests, failures, errors, skipped = tally
    root = _attributes([("name", xml_safe(f"ferpaguard {view.command}")), ("tests", str(tests)),
                        ("failures", str(failures)), ("errors", str(errors)), ("skipped", str(skipped)),
                        ("time", "0")])
    xml = f"<testsuites{root}>{body}</testsuites>" if suites else f"<testsuites{root} />"
    return (_DECLARATION + xml + "\n").encode("utf-8", "xmlcharrefreplace")


def write(view: EvidenceView, output_dir: Path) -> list[Path]:
    path = output_dir / FILENAME
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(document(view))
    return [path]
