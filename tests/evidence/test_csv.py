import csv
import io
from pathlib import Path

from ferpaguard.evidence import csv_report
from ferpaguard.evidence.text import FORMULA_PREFIXES, xml_safe
from tests.evidence import factory


def rows(directory: Path) -> list[dict[str, str]]:
    text = (directory / "findings.csv").read_bytes().decode("utf-8")
    return list(csv.DictReader(io.StringIO(text, newline="")))


def unquote(cell: str) -> str:
    return cell[1:] if cell.startswith("'") and cell[1:].startswith(FORMULA_PREFIXES) else cell


def test_one_row_per_finding_that_round_trips(broken_dir: Path) -> None:
    table = rows(broken_dir)
    run = factory.broken_run()
    assert list(table[0]) == list(csv_report.COLUMNS)
    assert len(table) == len(run.findings)
    assert sorted((r["rule_id"], unquote(r["resource_name"])) for r in table) == sorted(
        (f.rule_id, xml_safe(f.resource_name)) for f in run.findings
    )
    hostile = next(r for r in table if r["rule_id"] == "FERPA-LINK-01")
    assert hostile["resource_name"] == xml_safe(factory.HOSTILE_NAME)
    assert "\n" in hostile["resource_name"]  # embedded newline survives quoting


def test_no_cell_can_start_a_formula(broken_dir: Path) -> None:
    table = rows(broken_dir)
    for row in table:
        for cell in row.values():
            assert not cell.startswith(FORMULA_PREFIXES), cell
    formula = next(r for r in table if r["rule_id"] == "FERPA-LOG-03")
    assert formula["resource_name"] == "'" + factory.FORMULA_NAME
    assert formula["message"] == "'-1 days retention"


def test_secrets_are_redacted_in_evidence_and_message(broken_dir: Path) -> None:
    cluster = next(r for r in rows(broken_dir) if r["rule_id"] == "FERPA-ENC-01")
    assert '"masterPassword": "[secret]"' in cluster["evidence"]
    assert "[secret]" in cluster["message"]
