import dataclasses
from pathlib import Path

from ferpaguard.evidence import markdown
from ferpaguard.evidence.view import prepare
from tests.evidence import factory


def test_summary_has_totals_per_stack_and_the_mandatory_failures(broken_dir: Path) -> None:
    text = (broken_dir / "report.md").read_text(encoding="utf-8")
    assert text.startswith("# ferpaguard gate: FAIL")
    assert "| **all** | 3 | 1 | 1 | 2 | 1 | 2 |" in text
    assert "| dev | 3 | 1 | 1 | 2 | 1 | 2 |" in text
    assert "## Mandatory failures (2 of 2)" in text
    assert "FERPA-LOG-03" not in text  # advisory failures are not in the mandatory table
    assert "report.html" in text


def test_hostile_text_is_inert(broken_dir: Path) -> None:
    text = (broken_dir / "report.md").read_text(encoding="utf-8")
    assert "<script>" not in text and "</td>" not in text
    assert r"\<script\>alert\(1\)\</script\>" in text
    assert "\x07" not in text and "\x1b" not in text
    for line in text.splitlines():
        if line.startswith("| FERPA-LINK-01"):
            assert line.count(" | ") == 4  # the name's quotes and pipes cannot add table cells


def test_compliant_run_passes_without_a_failure_table(compliant_dir: Path) -> None:
    text = (compliant_dir / "report.md").read_text(encoding="utf-8")
    assert text.startswith("# ferpaguard gate: PASS")
    assert "Mandatory failures" not in text


def test_stays_a_short_summary_for_a_huge_run() -> None:
    run = factory.broken_run()
    failing = next(f for f in run.findings if f.rule_id == "FERPA-ENC-01")
    run.findings = [dataclasses.replace(failing, urn=f"{failing.urn}-{i}", message="x" * 5000) for i in range(3000)]
    text = markdown.render(prepare(run))
    assert len(text.encode("utf-8")) < 100 * 1024
    assert f"## Mandatory failures ({markdown.TOP_FAILURES} of 3000)" in text
