"""findings.junit.xml: one test case per rule and resource, for CI test reporters.

classname is the rule id, name the resource URN. fail -> <failure>, unknown ->
<error> (the check could not decide), waived and not_applicable -> <skipped>.
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

from junitparser import Error, Failure, JUnitXml, Skipped, TestCase, TestSuite

from ferpaguard.evidence.text import xml_safe
from ferpaguard.evidence.view import STATUS_ORDER, EvidenceView
from policies.model import Finding, Status

FILENAME = "findings.junit.xml"


def _case(rule_id: str, urn: str, findings: list[Finding]) -> TestCase:
    worst = min(findings, key=lambda f: STATUS_ORDER[f.status])
    case = TestCase(xml_safe(urn), classname=xml_safe(rule_id), time=0)
    relevant = [f for f in findings if f.status is worst.status]
    message = xml_safe(" | ".join(dict.fromkeys(f.message for f in relevant)))
    if worst.status is Status.FAIL:
        case.result = [Failure(message, f"{worst.enforcement.value}/{worst.severity.value}")]
    elif worst.status is Status.UNKNOWN:
        case.result = [Error(message, "unknown")]
    elif worst.status is Status.WAIVED:
        waiver = worst.waiver or {}
        detail = ", ".join(f"{k}: {waiver[k]}" for k in ("reason", "approver", "expires") if waiver.get(k))
        case.result = [Skipped(xml_safe(f"waived ({detail}): {message}" if detail else f"waived: {message}"))]
    elif worst.status is Status.NOT_APPLICABLE:
        case.result = [Skipped(xml_safe(f"not applicable: {message}"))]
    case.system_out = xml_safe(f"{worst.title} [{worst.resource_type}] {worst.resource_name}")
    return case


def document(view: EvidenceView) -> bytes:
    by_stack: dict[str, dict[tuple[str, str], list[Finding]]] = defaultdict(lambda: defaultdict(list))
    for finding in view.findings:
        by_stack[finding.stack][(finding.rule_id, finding.urn)].append(finding)
    meta = view.metadata()
    xml = JUnitXml(xml_safe(f"ferpaguard {view.command}"))
    for stack in sorted(by_stack):
        suite = TestSuite(xml_safe(f"ferpaguard: {stack or 'default'}"))
        suite.timestamp = view.started
        suite.add_property("ferpaguard.version", xml_safe(view.tool_version))
        suite.add_property("pack.name", xml_safe(view.pack_name))
        suite.add_property("pack.version", xml_safe(view.pack_version))
        suite.add_property("pack.sha256", view.pack_hash)
        for position, item in enumerate(meta["inputs"]):
            suite.add_property(f"input.{position}.path", xml_safe(item["path"]))
            suite.add_property(f"input.{position}.sha256", item["sha256"])
        suite.add_property("started", view.started)
        suite.add_property("finished", view.finished)
        for (rule_id, urn), findings in sorted(by_stack[stack].items()):
            suite.add_testcase(_case(rule_id, urn, findings))
        suite.update_statistics()
        suite.time = 0
        xml.add_testsuite(suite)
    xml.update_statistics()
    xml.time = 0
    return b'<?xml version="1.0" encoding="utf-8"?>\n' + xml.tostring() + b"\n"


def write(view: EvidenceView, output_dir: Path) -> list[Path]:
    path = output_dir / FILENAME
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(document(view))
    return [path]
