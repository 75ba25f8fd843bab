"""findings.csv: one row per finding, safe to open in a spreadsheet.

Cells that a spreadsheet would read as a formula (starting with = + - @, tab
or carriage return) get a leading apostrophe.

Rows are written as text, exactly as the standard library's `csv.writer` writes them with minimal
quoting and CRLF line ends (tests hold the two byte-identical): building a list of 18 cells per finding
for it cost seconds at 143k findings. Cells that repeat from row to row are made once.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from ferpaguard.evidence.controls import control_label
from ferpaguard.evidence.determinism import write_text
from ferpaguard.evidence.text import FORMULA_PREFIXES, csv_cell
from ferpaguard.evidence.view import EvidenceView
from policies.model import Enforcement, Finding, Severity, Status

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

_EVIDENCE = json.JSONEncoder(sort_keys=True, ensure_ascii=False)
"""What `json.dumps(evidence, sort_keys=True, ensure_ascii=False)` builds on every call, built once."""


def quoted(cell: str) -> str:
    """A cell as `csv.writer` writes it with QUOTE_MINIMAL and CRLF line ends: in double quotes (doubled
    inside) when it holds a comma, a double quote or a line break."""
    if "," in cell or '"' in cell or "\r" in cell or "\n" in cell:
        return '"' + cell.replace('"', '""') + '"'
    return cell


def field(text: str) -> str:
    """`quoted(csv_cell(text))`, with fewer passes over the usual printable ASCII text."""
    if text.isascii() and text.isprintable():  # nothing for csv_cell to replace, no line break
        if text.startswith(FORMULA_PREFIXES):
            text = "'" + text
        if "," in text or '"' in text:
            return '"' + text.replace('"', '""') + '"'
        return text
    return quoted(csv_cell(text))


_MEMBER_FIELDS = {id(member): field(member.value) for kind in (Status, Enforcement, Severity) for member in kind}
"""By identity: hashing an enum member runs Python code, and these are the only members there are."""


def _member(member: Status | Enforcement | Severity) -> str:
    cell = _MEMBER_FIELDS.get(id(member))
    return field(member.value) if cell is None else cell


def _waiver_fields(waiver: Mapping[str, Any]) -> str:
    return ",".join(field(str(waiver.get(key, ""))) for key in ("reason", "approver", "expires"))


_NO_WAIVER = _waiver_fields({})


def render(view: EvidenceView) -> str:
    """The CSV text. A view's findings come in runs of one stack and rule, sharing those objects, so the
    cells of those columns are made again only when an object differs from the previous row's."""
    lines = [",".join(map(field, COLUMNS)) + "\r\n"]
    types: dict[str, str] = {}
    members = _MEMBER_FIELDS.get
    rule: Finding | None = None  # the row whose rule cells `head` and `grade` are
    origin: Finding | None = None  # the row whose controls, source and input cells `provenance` are
    message: str | None = None
    head = grade = provenance = message_field = ""
    for f in view.findings:
        if (rule is None or f.rule_id is not rule.rule_id or f.stack is not rule.stack or f.policy is not rule.policy
                or f.title is not rule.title or f.enforcement is not rule.enforcement
                or f.severity is not rule.severity):
            rule = f
            head = f"{field(f.stack)},{field(f.rule_id)},{field(f.policy)},{field(f.title)}"
            grade = f"{_member(f.enforcement)},{_member(f.severity)}"
        if (origin is None or f.controls is not origin.controls or f.source is not origin.source
                or f.stack is not origin.stack):
            origin = f
            labels = ";".join(control_label(ref) for ref in f.controls)
            provenance = f"{field(labels)},{field(f.source)},{field(view.input_uri(f))}"
        if f.message is not message:
            message = f.message
            message_field = field(message)
        resource_type = types.get(f.resource_type)
        if resource_type is None:
            resource_type = types[f.resource_type] = field(f.resource_type)
        status = members(id(f.status)) or _member(f.status)
        evidence = field(_EVIDENCE.encode(f.evidence)) if f.evidence else ""
        waiver = _waiver_fields(f.waiver) if f.waiver else _NO_WAIVER
        lines.append(
            f"{head},{status},{grade},{resource_type},{field(f.resource_name)},{field(f.urn)},{message_field},"
            f"{provenance},{evidence},{waiver}\r\n"
        )
    return "".join(lines)


def write(view: EvidenceView, output_dir: Path) -> list[Path]:
    return [write_text(output_dir / FILENAME, render(view))]
