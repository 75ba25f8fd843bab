"""findings.csv: one row per finding, safe to open in a spreadsheet.

Cells that a spreadsheet would read as a formula (starting with = + - @, tab
or carriage return) get a leading apostrophe.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from ferpaguard.evidence.controls import control_label
from ferpaguard.evidence.determinism import write_text
from ferpaguard.evidence.text import csv_cell
from ferpaguard.evidence.view import EvidenceView
from policies.model import Finding

FILENAME = "findings.csv"
COLUMNS = (
    "stack",
    "rule_id",
    "policy",
    "title",
    "status",
    "enforcement",
    "severity",
    "resource_type",
    "resource_name",
    "urn",
    "message",
    "controls",
    "source",
    "input",
    "evidence",
    "waiver_reason",
    "waiver_approver",
    "waiver_expires",
)


_PER_FINDING = frozenset({"resource_name", "urn", "message", "evidence"})
"""Columns whose text differs from finding to finding; every other column repeats and is made safe once."""


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


def render(view: EvidenceView) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    cells: dict[str, str] = {}
    writer.writerows(_row(view, finding, cells) for finding in view.findings)
    return buffer.getvalue()


def write(view: EvidenceView, output_dir: Path) -> list[Path]:
    return [write_text(output_dir / FILENAME, render(view))]
