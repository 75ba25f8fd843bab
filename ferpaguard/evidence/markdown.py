"""report.md: a short summary for $GITHUB_STEP_SUMMARY (GitHub caps it at 1 MiB per step).

Totals, per-stack counts and the most severe mandatory failures; the full
record is report.html and findings.json. Every untrusted string is escaped.
"""

from __future__ import annotations

from pathlib import Path

from ferpaguard.evidence.determinism import write_text
from ferpaguard.evidence.text import markdown_inline
from ferpaguard.evidence.view import EvidenceView
from policies.model import Finding, Severity, Status

FILENAME = "report.md"
TOP_FAILURES = 50
STEP_SUMMARY_LIMIT = 1024 * 1024
SEVERITY_RANK = {Severity.CRITICAL: 0, Severity.HIGH: 1, Severity.MEDIUM: 2, Severity.LOW: 3}
STATUSES = (Status.FAIL, Status.UNKNOWN, Status.WAIVED, Status.PASS, Status.NOT_APPLICABLE)


def _hex(text: str) -> str:
    return "".join(char for char in text if char in "0123456789abcdefABCDEF")


def _counts_row(label: str, counts: dict) -> str:
    by_status = counts["by_status"]
    cells = [label, *(str(by_status[s.value]) for s in STATUSES), str(counts["mandatory_failures"])]
    return "| " + " | ".join(cells) + " |"


def _failure_row(finding: Finding) -> str:
    cells = (
        markdown_inline(finding.rule_id, 40),
        finding.severity.value,
        markdown_inline(finding.stack or "-", 60),
        markdown_inline(f"{finding.resource_type} {finding.resource_name}", 160),
        markdown_inline(finding.message, 240),
    )
    return "| " + " | ".join(cells) + " |"


def render(view: EvidenceView, top: int = TOP_FAILURES) -> str:
    summary = view.summary
    verdict = "FAIL" if summary["mandatory_failures"] else "PASS"
    header = " | ".join(s.value for s in STATUSES)
    lines = [
        f"# ferpaguard {markdown_inline(view.command, 20)}: {verdict}",
        "",
        f"{summary['mandatory_failures']} mandatory failure(s), {summary['advisory_failures']} advisory failure(s), "
        f"{summary['by_status']['unknown']} unknown, {summary['by_status']['waived']} waived "
        f"across {summary['resources']} resource(s).",
        "",
        f"ferpaguard {markdown_inline(view.tool_version, 40)}, pack {markdown_inline(view.pack_name, 60)} "
        f"{markdown_inline(view.pack_version, 40)} (sha256 `{_hex(view.pack_hash)[:12]}`), "
        f"{view.started} to {view.finished}.",
        "",
        "| scope | " + header + " | mandatory failures |",
        "|---|" + "---:|" * (len(STATUSES) + 1),
        _counts_row("**all**", dict(summary)),
    ]
    for stack, counts in summary["stacks"].items():
        lines.append(_counts_row(markdown_inline(stack, 80), counts))
    failures = sorted(view.findings, key=lambda f: (not f.is_mandatory_failure, SEVERITY_RANK[f.severity], f.rule_id))
    mandatory = [f for f in failures if f.is_mandatory_failure]
    if mandatory:
        shown = mandatory[:top]
        lines += ["", f"## Mandatory failures ({len(shown)} of {len(mandatory)})", ""]
        lines += ["| rule | severity | stack | resource | message |", "|---|---|---|---|---|"]
        lines += [_failure_row(f) for f in shown]
    lines += [
        "",
        "The full evidence (every finding, control, waiver and the evidence values) is in `report.html` and "
        "`findings.json` beside this file.",
        "",
    ]
    text = "\n".join(lines)
    if len(text.encode("utf-8")) > STEP_SUMMARY_LIMIT and top > 0:
        return render(view, top // 2)
    return text


def write(view: EvidenceView, output_dir: Path) -> list[Path]:
    return [write_text(output_dir / FILENAME, render(view))]
