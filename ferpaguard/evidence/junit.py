"""findings.junit.xml: one test case per rule and resource, for CI test reporters.

classname is the rule id, name the resource URN. fail -> <failure>, unknown ->
<error> (the check could not decide), waived and not_applicable -> <skipped>.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections import defaultdict
from pathlib import Path

from ferpaguard.evidence.text import xml_safe
from ferpaguard.evidence.view import STATUS_ORDER, EvidenceView
from policies.model import Finding, Status

FILENAME = "findings.junit.xml"
_RESULT_TAGS = {Status.FAIL: "failure", Status.UNKNOWN: "error", Status.WAIVED: "skipped",
                Status.NOT_APPLICABLE: "skipped"}


def _case(parent: ET.Element, rule_id: str, urn: str, findings: list[Finding]) -> Status:
    worst = min(findings, key=lambda f: STATUS_ORDER[f.status])
    case = ET.SubElement(parent, "testcase", {"name": xml_safe(urn), "classname": xml_safe(rule_id), "time": "0.0"})
    relevant = [f for f in findings if f.status is worst.status]
    message = xml_safe(" | ".join(dict.fromkeys(f.message for f in relevant)))
    if worst.status is Status.FAIL:
        kind = f"{worst.enforcement.value}/{worst.severity.value}"
        ET.SubElement(case, "failure", {"message": message, "type": kind})
    elif worst.status is Status.UNKNOWN:
        ET.SubElement(case, "error", {"message": message, "type": "unknown"})
    elif worst.status is Status.WAIVED:
        waiver = worst.waiver or {}
        detail = ", ".join(f"{k}: {waiver[k]}" for k in ("reason", "approver", "expires") if waiver.get(k))
        text = f"waived ({detail}): {message}" if detail else f"waived: {message}"
        ET.SubElement(case, "skipped", {"message": xml_safe(text)})
    elif worst.status is Status.NOT_APPLICABLE:
        ET.SubElement(case, "skipped", {"message": xml_safe(f"not applicable: {message}")})
    ET.SubElement(case, "system-out").text = xml_safe(f"{worst.title} [{worst.resource_type}] {worst.resource_name}")
    return worst.status


def _counts(statuses: list[Status]) -> dict[str, str]:
    tags = [_RESULT_TAGS.get(status) for status in statuses]
    return {"tests": str(len(statuses)), "errors": str(tags.count("error")), "failures": str(tags.count("failure")),
            "skipped": str(tags.count("skipped"))}


def document(view: EvidenceView) -> bytes:
    """The JUnit XML, built with the standard library's ElementTree in one pass (a test-case
    library that re-scanned its suite on every added case took minutes for 100k findings)."""
    by_stack: dict[str, dict[tuple[str, str], list[Finding]]] = defaultdict(lambda: defaultdict(list))
    for finding in view.findings:
        by_stack[finding.stack][(finding.rule_id, finding.urn)].append(finding)
    meta = view.metadata()
    root = ET.Element("testsuites", {"name": xml_safe(f"ferpaguard {view.command}")})
    every: list[Status] = []
    for stack in sorted(by_stack):
        suite = ET.SubElement(root, "testsuite", {"name": xml_safe(f"ferpaguard: {stack or 'default'}"),
                                                  "timestamp": view.started})
        properties = ET.SubElement(suite, "properties")
        pairs = [("ferpaguard.version", xml_safe(view.tool_version)), ("pack.name", xml_safe(view.pack_name)),
                 ("pack.version", xml_safe(view.pack_version)), ("pack.sha256", view.pack_hash)]
        for position, item in enumerate(meta["inputs"]):
            pairs += [(f"input.{position}.path", xml_safe(item["path"])), (f"input.{position}.sha256", item["sha256"])]
        pairs += [("started", view.started), ("finished", view.finished)]
        for name, value in pairs:
            ET.SubElement(properties, "property", {"name": name, "value": value})
        cases = sorted(by_stack[stack].items())
        statuses = [_case(suite, rule_id, urn, findings) for (rule_id, urn), findings in cases]
        suite.attrib.update(_counts(statuses) | {"time": "0.0"})
        every += statuses
    counts = _counts(every)
    root.attrib.update({"tests": counts["tests"], "failures": counts["failures"], "errors": counts["errors"],
                        "skipped": counts["skipped"], "time": "0"})
    body = ET.tostring(root, encoding="utf-8", xml_declaration=False)
    return b'<?xml version="1.0" encoding="utf-8"?>\n' + body + b"\n"


def write(view: EvidenceView, output_dir: Path) -> list[Path]:
    path = output_dir / FILENAME
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(document(view))
    return [path]
