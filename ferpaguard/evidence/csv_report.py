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
from policies.model import ControlRef, Enforcement, Finding, Severity, Status

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


class _Cells:
    """Fields of the columns that repeat from row to row, each made once per distinct value."""

    def __init__(self, view: EvidenceView) -> None:
        self._view = view
        self._text: dict[str, str] = {}
        self._stack: dict[str, tuple[str, str]] = {}
        self._controls: dict[int, tuple[tuple[ControlRef, ...], str]] = {}
        # By identity: hashing an enum member runs Python code, and these are the only members there are.
        self._members = {id(member): field(member.value) for kind in (Status, Enforcement, Severity) for member in kind}

    def text(self, text: str) -> str:
        cell = self._text.get(text)
        if cell is None:
            cell = self._text[text] = field(text)
        return cell

    def member(self, member: Status | Enforcement | Severity) -> str:
        cell = self._members.get(id(member))
        return field(member.value) if cell is None else cell

    def stack_and_input(self, finding: Finding) -> tuple[str, str]:
        """The stack's field and its input's (`EvidenceView.input_uri` reads nothing but the stack)."""
        cells = self._stack.get(finding.stack)
        if cells is None:
            cells = self._stack[finding.stack] = (field(finding.stack), field(self._view.input_uri(finding)))
        return cells

    def controls(self, controls: tuple[ControlRef, ...]) -> str:
        # By identity (a rule's findings share its tuple); the entry holds the tuple, so the id stays its own.
        known = self._controls.get(id(controls))
        if known is not None and known[0] is controls:
            return known[1]
        cell = field(";".join(control_label(ref) for ref in controls))
        self._controls[id(controls)] = (controls, cell)
        return cell


def _waiver_fields(waiver: Mapping[str, Any]) -> str:
    return ",".join(field(str(waiver.get(key, ""))) for key in ("reason", "approver", "expires"))


_NO_WAIVER = _waiver_fields({})


def render(view: EvidenceView) -> str:
    cells = _Cells(view)
    text, member, stack_and_input, controls = cells.text, cells.member, cells.stack_and_input, cells.controls
    lines = [",".join(map(field, COLUMNS)) + "\r\n"]
    for f in view.findings:
        stack, source_input = stack_and_input(f)
        evidence = field(_EVIDENCE.encode(f.evidence)) if f.evidence else ""
        waiver = _waiver_fields(f.waiver) if f.waiver else _NO_WAIVER
        lines.append(
            f"{stack},{text(f.rule_id)},{text(f.policy)},{text(f.title)},{member(f.status)},{member(f.enforcement)},"
            f"{member(f.severity)},{text(f.resource_type)},{field(f.resource_name)},{field(f.urn)},{field(f.message)},"
            f"{controls(f.controls)},{text(f.source)},{source_input},{evidence},{waiver}\r\n"
        )
    return "".join(lines)


def write(view: EvidenceView, output_dir: Path) -> list[Path]:
    return [write_text(output_dir / FILENAME, render(view))]
