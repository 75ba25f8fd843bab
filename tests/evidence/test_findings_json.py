import json
from pathlib import Path

from ferpaguard.evidence import findings_json
from tests.evidence import factory
from tests.evidence.schemas import errors, findings_validator


def load(directory: Path) -> dict:
    return json.loads((directory / "findings.json").read_text(encoding="utf-8"))


def test_broken_and_compliant_runs_match_the_documented_schema(broken_dir: Path, compliant_dir: Path) -> None:
    assert errors(findings_validator(), load(broken_dir)) == []
    assert errors(findings_validator(), load(compliant_dir)) == []


def test_schema_rejects_a_document_without_its_pack_hash(broken_dir: Path) -> None:
    document = load(broken_dir)
    del document["pack"]["sha256"]
    document["findings"][0]["status"] = "passed-ish"
    problems = errors(findings_validator(), document)
    assert any("sha256" in p for p in problems)
    assert any("passed-ish" in p for p in problems)


def test_records_versions_inputs_times_and_every_finding(broken_dir: Path) -> None:
    document = load(broken_dir)
    run = factory.broken_run()
    assert document["tool"] == {"name": "ferpaguard", "version": "0.1.0"}
    assert document["pack"] == {"name": "ferpaguard", "version": "0.1.0", "sha256": factory.PACK_HASH}
    assert document["inputs"] == [
        {"path": "stack/Pulumi.yaml", "sha256": factory.INPUT_SHA, "kind": "program", "stack": "dev"}
    ]
    assert document["stacks"] == ["dev"]
    assert document["started"] == "2025-03-01T12:00:00Z"
    assert document["finished"] == "2025-03-01T12:00:07Z"
    assert len(document["findings"]) == len(run.findings)
    assert document["summary"]["by_status"] == {"pass": 2, "fail": 3, "unknown": 1, "waived": 1, "not_applicable": 1}
    assert document["summary"]["mandatory_failures"] == 2
    assert document["waivers"] == [factory.WAIVER]
    assert document["skipped"][0]["reason"] == "unsupported resource type"


def test_evidence_secrets_are_redacted(broken_dir: Path) -> None:
    findings = load(broken_dir)["findings"]
    cluster = next(f for f in findings if f["rule_id"] == "FERPA-ENC-01")
    assert cluster["evidence"] == {
        "kmsKeyId": "alias/aws/rds",
        "masterPassword": "[secret]",
        "nested": [{"token": "[secret]"}],
    }
    unknown = next(f for f in findings if f["status"] == "unknown")
    assert unknown["evidence"] == {"authToken": "<unknown>", "transitEncryptionEnabled": "<unknown>"}


def test_timings_are_kept_only_without_source_date_epoch(monkeypatch, tmp_path: Path) -> None:
    monkeypatch.delenv("SOURCE_DATE_EPOCH")
    from ferpaguard.evidence.view import prepare

    findings_json.write(prepare(factory.broken_run()), tmp_path)
    assert load(tmp_path)["summary"]["timings"] == {"evaluate": 0.123, "program": 1.5}
