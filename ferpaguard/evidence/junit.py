"""findings.junit.xml: one test case per rule and resource, for CI test reporters.

classname is the rule id, name the resource URN. fail -> <failure>, unknown ->
<error> (the check could not decide), waived and not_applicable -> <skipped>.

The XML text is written directly, exactly as ElementTree's serializer (Python 3.11) writes the same
tree: attributes in insertion order, empty elements as `<tag ... />`, its escaping of text and
attributes, UTF-8 with character references for what UTF-8 cannot encode. Serialising a 300k-element
tree through ElementTree took seconds for an audit's 143k findings; tests hold the two byte-identical.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path

from ferpaguard.evidence.text import xml_safe
from ferpaguard.evidence.view import STATUS_ORDER, EvidenceView
from policies.model import Finding, Status

FILENAME = "findings.junit.xml"
_DECLARATION = '<?xml version="1.0" encoding="utf-8"?>\n'

Case = tuple[tuple[str, str, str], list[Finding]]
"""((stack, rule_id, urn), that rule's findings on that resource in the view's order): one test case."""

_PASS, _FAIL, _UNKNOWN, _WAIVED = Status.PASS, Status.FAIL, Status.UNKNOWN, Status.WAIVED


class _OutOfOrder(Exception):
    """The findings are not in (stack, rule_id, urn) order."""


_TEXT_ESCAPES = (("&", "&amp;"), ("<", "&lt;"), (">", "&gt;"))
_ATTRIBUTE_ESCAPES = (*_TEXT_ESCAPES, ('"', "&quot;"), ("\r", "&#13;"), ("\n", "&#10;"), ("\t", "&#09;"))


def _replaced(text: str, escapes: tuple[tuple[str, str], ...]) -> str:
    for char, reference in escapes:
        if char in text:
            text = text.replace(char, reference)
    return text


def escape_text(text: str) -> str:
    """Character data as ElementTree writes it (`_escape_cdata`)."""
    return _replaced(text, _TEXT_ESCAPES)


def escape_attribute(text: str) -> str:
    """An attribute value as ElementTree writes it (`_escape_attrib`): line breaks and tabs as references."""
    return _replaced(text, _ATTRIBUTE_ESCAPES)


def safe_attribute(text: str) -> str:
    """`escape_attribute(xml_safe(text))`, with fewer passes over the usual printable ASCII text."""
    if text.isascii() and text.isprintable():  # nothing for xml_safe to replace, no line break or tab
        if "&" in text or "<" in text or ">" in text or '"' in text:
            return escape_attribute(text)
        return text
    return escape_attribute(xml_safe(text))


def safe_text(text: str) -> str:
    """`escape_text(xml_safe(text))`, with fewer passes over the usual printable ASCII text."""
    if not (text.isascii() and text.isprintable()):
        text = xml_safe(text)
    if "&" in text or "<" in text or ">" in text:
        return escape_text(text)
    return text


def _attributes(pairs: Sequence[tuple[str, str]]) -> str:
    return "".join(f' {name}="{escape_attribute(value)}"' for name, value in pairs)


def _cases_in_order(findings: Iterable[Finding]) -> Iterator[Case]:
    """The cases of findings in (stack, rule_id, urn) order, as a view has them: runs of equal keys.
    Raises _OutOfOrder at the first finding that breaks that order."""
    key: tuple[str, str, str] | None = None
    group: list[Finding] = []
    for finding in findings:
        current = (finding.stack, finding.rule_id, finding.urn)
        if current == key:
            group.append(finding)
            continue
        if key is not None:
            if current < key:
                raise _OutOfOrder
            yield key, group
        key, group = current, [finding]
    if key is not None:
        yield key, group


def _sorted_cases(findings: Iterable[Finding]) -> list[Case]:
    by_key: dict[tuple[str, str, str], list[Finding]] = {}
    for finding in findings:
        by_key.setdefault((finding.stack, finding.rule_id, finding.urn), []).append(finding)
    return sorted(by_key.items())


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


class _Suite:
    """The <testsuite> of one stack, as its cases come."""

    def __init__(self, stack: str) -> None:
        self.stack = stack
        self.cases: list[str] = []
        self.counts = [0, 0, 0]  # failures, errors, skipped

    def xml(self, view: EvidenceView, properties: str) -> str:
        failures, errors, skipped = self.counts
        head = _attributes([("name", xml_safe(f"ferpaguard: {self.stack or 'default'}")), ("timestamp", view.started),
                            ("tests", str(len(self.cases))), ("errors", str(errors)), ("failures", str(failures)),
                            ("skipped", str(skipped)), ("time", "0.0")])
        return f"<testsuite{head}>{properties}{''.join(self.cases)}</testsuite>"


def _suites(cases: Iterable[Case]) -> list[_Suite]:
    """One suite per stack, in the order the cases come."""
    suites: list[_Suite] = []
    suite: _Suite | None = None
    rule_id = classname = ""
    for (stack, case_rule_id, urn), findings in cases:
        if suite is None or stack != suite.stack:
            suite = _Suite(stack)
            suites.append(suite)
        if len(findings) == 1:
            worst = findings[0]
            relevant = findings
        else:
            worst = min(findings, key=lambda f: STATUS_ORDER[f.status])
            relevant = [f for f in findings if f.status is worst.status]
        if case_rule_id != rule_id or not classname:
            rule_id, classname = case_rule_id, safe_attribute(case_rule_id)
        status = worst.status
        if status is _PASS:
            result = ""
        else:
            result = _result(worst, relevant)
            suite.counts[0 if status is _FAIL else 1 if status is _UNKNOWN else 2] += 1
        out = safe_text(f"{worst.title} [{worst.resource_type}] {worst.resource_name}")
        system_out = f"<system-out>{out}</system-out>" if out else "<system-out />"
        suite.cases.append(f'<testcase name="{safe_attribute(urn)}" classname="{classname}" time="0.0">'
                           f"{result}{system_out}</testcase>")
    return suites


def _properties(view: EvidenceView) -> str:
    pairs = [("ferpaguard.version", xml_safe(view.tool_version)), ("pack.name", xml_safe(view.pack_name)),
             ("pack.version", xml_safe(view.pack_version)), ("pack.sha256", view.pack_hash)]
    for position, item in enumerate(view.metadata()["inputs"]):
        pairs += [(f"input.{position}.path", xml_safe(item["path"])), (f"input.{position}.sha256", item["sha256"])]
    pairs += [("started", view.started), ("finished", view.finished)]
    items = "".join(f"<property{_attributes([('name', name), ('value', value)])} />" for name, value in pairs)
    return f"<properties>{items}</properties>"


def document(view: EvidenceView) -> bytes:
    """The JUnit XML, written as text in one pass over the findings and encoded once."""
    try:
        suites = _suites(_cases_in_order(view.findings))
    except _OutOfOrder:
        suites = _suites(_sorted_cases(view.findings))
    properties = _properties(view) if suites else ""
    body = "".join([suite.xml(view, properties) for suite in suites])
    failures, errors, skipped = (sum(suite.counts[i] for suite in suites) for i in range(3))
    root = _attributes([("name", xml_safe(f"ferpaguard {view.command}")),
                        ("tests", str(sum(len(suite.cases) for suite in suites))), ("failures", str(failures)),
                        ("errors", str(errors)), ("skipped", str(skipped)), ("time", "0")])
    xml = f"<testsuites{root}>{body}</testsuites>" if suites else f"<testsuites{root} />"
    return (_DECLARATION + xml + "\n").encode("utf-8", "xmlcharrefreplace")


def write(view: EvidenceView, output_dir: Path) -> list[Path]:
    path = output_dir / FILENAME
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(document(view))
    return [path]
