"""The JUnit and CSV writers as they were before their fast paths: the oracle the fast paths must equal
byte for byte (tests/evidence/test_writer_fast_paths.py; bench figures compare against these too)."""

from __future__ import annotations

import csv
import io
import json
import xml.etree.ElementTree as ET
from collections import defaultdict

from ferpaguard.evidence.controls import control_label
from ferpaguard.evidence.csv_report import COLUMNS
from ferpaguard.evidence.text import csv_cell, xml_safe
from ferpaguard.evidence.view import STATUS_ORDER, EvidenceView
from policies.model import Finding, Status

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


def junit_document(view: EvidenceView) -> bytes:
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


_PER_FINDING = frozenset({"resource_name", "urn", "message", "evidence"})


def _row(view: EvidenceView, finding: Finding, cells: dict[str, str]) -> list[str]:
    waiver = finding.waiver or {}
    values = {
        "stack": finding.stack,
        "rule_id": finding.rule_id,
        "policy": finding.policy,
        "title": finding.title,
        "status": finding.status.value,
        "enforcement": finding.enforcement.value,
        "severity": finding.severity.value,
        "resource_type": finding.resource_type,
        "resource_name": finding.resource_name,
        "urn": finding.urn,
        "message": finding.message,
        "controls": ";".join(control_label(ref) for ref in finding.controls),
        "source": finding.source,
        "input": view.input_uri(finding),
        "evidence": json.dumps(finding.evidence, sort_keys=True, ensure_ascii=False) if finding.evidence else "",
        "waiver_reason": str(waiver.get("reason", "")),
        "waiver_approver": str(waiver.get("approver", "")),
        "waiver_expires": str(waiver.get("expires", "")),
    }
    row = []
    for column in COLUMNS:
        text = values[column]
        if column in _PER_FINDING:
            row.append(csv_cell(text))
            continue
        cell = cells.get(text)
        if cell is None:
            cell = cells[text] = csv_cell(text)
        row.append(cell)
    return row


def csv_render(view: EvidenceView) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    cells: dict[str, str] = {}
    writer.writerows(_row(view, finding, cells) for finding in view.findings)
    return buffer.getvalue()
