import dataclasses
import hashlib
import json
from pathlib import Path

from ferpaguard.evidence import sarif
from ferpaguard.evidence.view import prepare
from policies.model import Status
from tests.evidence import factory
from tests.evidence.schemas import errors, sarif_validator


def load(directory: Path) -> dict:
    return json.loads((directory / "findings.sarif").read_text(encoding="utf-8"))


def test_valid_against_the_oasis_schema(broken_dir: Path, compliant_dir: Path) -> None:
    assert errors(sarif_validator(), load(broken_dir)) == []
    assert errors(sarif_validator(), load(compliant_dir)) == []


def test_only_fail_unknown_and_waived_become_results(broken_dir: Path, compliant_dir: Path) -> None:
    results = load(broken_dir)["runs"][0]["results"]
    statuses = sorted(r["properties"]["ferpaguard/status"] for r in results)
    assert statuses == ["fail", "fail", "fail", "unknown", "waived"]
    assert load(compliant_dir)["runs"][0]["results"] == []


def test_results_meet_github_code_scanning_rules(broken_dir: Path) -> None:
    run = load(broken_dir)["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    for result in run["results"]:
        location = result["locations"][0]
        assert location["physicalLocation"]["artifactLocation"]["uri"] == "stack/Pulumi.yaml"
        assert location["physicalLocation"]["region"]["startLine"] == 1
        urn = location["logicalLocations"][0]["fullyQualifiedName"]
        assert urn.startswith("urn:pulumi:dev::")
        expected = hashlib.sha256(f"{result['ruleId']}\n{urn}".encode()).hexdigest()
        assert result["partialFingerprints"] == {"ferpaguardFinding/v1": expected}
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]
    for rule in rules:
        assert rule["help"]["text"]
        assert len(rule["properties"]["tags"]) <= sarif.MAX_TAGS
    severities = {r["id"]: r["properties"]["security-severity"] for r in rules}
    assert severities["FERPA-ENC-01"] == "9.5"
    assert severities["FERPA-TLS-01"] == "9.5"
    assert severities["FERPA-LOG-01"] == "5.5"


def test_waived_result_is_an_accepted_suppression_with_the_approver(broken_dir: Path) -> None:
    waived = next(r for r in load(broken_dir)["runs"][0]["results"] if r["ruleId"] == "FERPA-LOG-01")
    suppression = waived["suppressions"][0]
    assert suppression["kind"] == "external" and suppression["status"] == "accepted"
    assert "ciso@example.edu" in suppression["justification"] and "2099-12-31" in suppression["justification"]


def test_levels_follow_enforcement(broken_dir: Path) -> None:
    levels = {r["ruleId"]: r["level"] for r in load(broken_dir)["runs"][0]["results"]}
    assert levels["FERPA-ENC-01"] == "error"
    assert levels["FERPA-LOG-03"] == "warning"  # advisory failure
    assert levels["FERPA-TLS-01"] == "warning"  # unknown is reported, never passed


def test_over_the_limit_keeps_the_most_severe_and_says_so() -> None:
    run = factory.broken_run()
    template = next(f for f in run.findings if f.rule_id == "FERPA-LOG-03")
    advisory = [dataclasses.replace(template, urn=f"{template.urn}-{i}") for i in range(sarif.MAX_RESULTS + 10)]
    run.findings = advisory + run.findings
    document = sarif.document(prepare(run))
    sarif_run = document["runs"][0]
    assert len(sarif_run["results"]) == sarif.MAX_RESULTS
    kept = {r["ruleId"] for r in sarif_run["results"]}
    assert {"FERPA-ENC-01", "FERPA-LINK-01"} <= kept
    notice = sarif_run["invocations"][0]["toolExecutionNotifications"][0]["message"]["text"]
    assert str(sarif.MAX_RESULTS + 10 + 5) in notice
    assert sarif_run["properties"]["ferpaguard/truncated"] == {"total": sarif.MAX_RESULTS + 15, "kept": 5000}
    assert all(r["properties"]["ferpaguard/status"] != Status.PASS.value for r in sarif_run["results"])
