"""checkov in its own environment on converted resources: the right ids on the right URNs, in the Finding model."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

from ferpaguard.checkov import scan as scan_module
from ferpaguard.checkov.environment import CheckovPython
from ferpaguard.checkov.scan import CheckovResult, allowed_checks, scan
from policies import catalogue
from policies.model import ControlRef, Enforcement, Finding, Severity, Status
from policies.values import UNKNOWN_STRING

sys.path.insert(0, str(Path(__file__).parent))
import checkov_resource_sets as sets


@pytest.fixture(scope="module")
def unencrypted() -> CheckovResult:
    return scan(sets.unencrypted(), stack="dev")


@pytest.fixture(scope="module")
def alb_link() -> CheckovResult:
    return scan(sets.alb_vpclink(), stack="dev")


def by_name(result: CheckovResult, status: Status = Status.FAIL) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for finding in result.findings:
        if finding.status is status:
            found.setdefault(finding.resource_name, set()).add(finding.rule_id)
    return found


def test_unencrypted_data_tier_fails_the_expected_checkov_checks_on_the_right_urns(unencrypted: CheckovResult) -> None:
    expected = {
        "records-db": "CKV_AWS_96",
        "sessions": "CKV_AWS_29",
        "events": "CKV_AWS_43",
        "files": "CKV_AWS_42",
        "data-key": "CKV_AWS_7",
    }
    failures = {(f.rule_id, f.urn) for f in unencrypted.findings if f.status is Status.FAIL}
    for name, check_id in expected.items():
        assert (check_id, sets.urn(dict(sets.compliant_types())[name], name)) in failures
    assert ("CKV_AWS_30", sets.urn("aws:elasticache/replicationGroup:ReplicationGroup", "sessions")) in failures


def test_compliant_resources_have_no_checkov_failure() -> None:
    result = scan(sets.compliant())
    assert [f for f in result.findings if f.status is Status.FAIL] == []
    assert {f.status for f in result.findings} == {Status.PASS}
    assert len(result.findings) > 20


def test_vpclink_to_an_alb_fails_ferpaguards_custom_checks(alb_link: CheckovResult) -> None:
    link_urn = sets.urn("aws:apigateway/vpcLink:VpcLink", "records-link")
    on_link = {f.rule_id: f for f in alb_link.findings if f.urn == link_urn}
    assert on_link["CKV_FERPA_1"].status is Status.FAIL
    assert on_link["CKV2_FERPA_1"].status is Status.FAIL
    assert on_link["CKV_FERPA_1"].source == "checkov"


def test_vpclink_to_the_internal_nlb_passes_the_custom_checks() -> None:
    link_urn = sets.urn("aws:apigateway/vpcLink:VpcLink", "records-link")
    result = scan(sets.compliant())
    statuses = {f.rule_id: f.status for f in result.findings if f.urn == link_urn}
    assert statuses == {"CKV_FERPA_1": Status.PASS, "CKV2_FERPA_1": Status.PASS}


def test_graph_check_follows_references_when_the_target_arn_is_unknown() -> None:
    resources = [
        sets.resource("aws:lb/loadBalancer:LoadBalancer", "records-alb", {"loadBalancerType": "application",
                      "internal": True}),
        sets.resource("aws:apigateway/vpcLink:VpcLink", "records-link", {"targetArn": UNKNOWN_STRING},
                      deps={"targetArn": [("aws:lb/loadBalancer:LoadBalancer", "records-alb")]}),
    ]
    result = scan(resources)
    statuses = {f.rule_id: f.status for f in result.findings}
    assert statuses["CKV2_FERPA_1"] is Status.FAIL
    assert "CKV_FERPA_1" not in statuses  # checkov reports its UNKNOWN result nowhere: no verdict, no pass


def test_elasticache_preferred_transit_mode_fails_ckv_ferpa_2_but_not_ckv_aws_30() -> None:
    resources = sets.replace(sets.compliant(), "sessions", transitEncryptionMode="preferred")
    statuses = {f.rule_id: f.status for f in scan(resources).findings if f.resource_name == "sessions"}
    assert statuses["CKV_FERPA_2"] is Status.FAIL
    assert statuses["CKV_AWS_30"] is Status.PASS


def test_findings_carry_the_catalogue_mapping(unencrypted: CheckovResult) -> None:
    finding = next(f for f in unencrypted.findings if f.rule_id == "CKV_AWS_96")
    enc01 = catalogue.load().rule("FERPA-ENC-01")
    assert isinstance(finding, Finding)
    assert finding.source == "checkov"
    assert finding.enforcement is Enforcement.ADVISORY
    assert finding.controls == enc01.controls
    assert finding.severity is Severity.CRITICAL  # checkov has no severity offline: the mirrored rule's
    assert finding.policy == finding.title == "Ensure all data stored in Aurora is securely encrypted at rest"
    assert finding.message == f"{finding.policy}: aws_rds_cluster.records-db"
    assert finding.resource_type == "aws:rds/cluster:Cluster"
    assert finding.stack == "dev"
    assert finding.evidence["mirrors"] == ["FERPA-ENC-01"]


def test_custom_checks_map_to_the_rules_they_mirror(alb_link: CheckovResult) -> None:
    cat = catalogue.load()
    finding = next(f for f in alb_link.findings if f.rule_id == "CKV_FERPA_1")
    assert finding.controls == cat.rule("FERPA-LINK-01").controls
    ferpa_2 = scan_module.rules_by_checkov_id()["CKV_FERPA_2"]
    assert [m.id for m in ferpa_2] == ["FERPA-TLS-01"]
    assert ControlRef("PTAC", "encryption-in-transit") in ferpa_2[0].controls


def test_enforcement_is_configurable() -> None:
    result = scan(sets.unencrypted()[:1], enforcement=Enforcement.MANDATORY)
    assert {f.enforcement for f in result.findings} == {Enforcement.MANDATORY}


def test_allow_list_is_the_catalogue_plus_custom_checks(unencrypted: CheckovResult) -> None:
    named = {check for meta in catalogue.load().rules for check in meta.checkov}
    assert set(allowed_checks()) == named | {"CKV_FERPA_1", "CKV_FERPA_2", "CKV2_FERPA_1"}
    assert {f.rule_id for f in unencrypted.findings} <= set(allowed_checks())


# Run with checkov's interpreter: checkov id -> the Terraform types its check covers (resource and graph checks).
CHECK_TYPES_SCRIPT = """
import json
from checkov.common.checks_infra.registry import get_graph_checks_registry
from checkov.terraform.checks.resource.registry import resource_registry
types_of = {}
for tf_type, checks in resource_registry.checks.items():
    for check in checks:
        types_of.setdefault(check.id, set()).add(tf_type)
graph = get_graph_checks_registry("terraform")
graph.load_checks()
for check in graph.checks:
    types_of.setdefault(check.id, set()).update(check.resource_types)
print(json.dumps({check_id: sorted(types) for check_id, types in types_of.items()}))
"""


def test_every_catalogue_checkov_id_exists_in_checkov_for_the_rules_types(checkov_python: CheckovPython) -> None:
    """Each id names a real check whose Terraform types include a type of the rule it is mapped to."""
    import json
    import subprocess

    from ferpaguard.checkov.mapping import load

    done = subprocess.run([str(checkov_python.python), "-c", CHECK_TYPES_SCRIPT], capture_output=True, text=True,
                          check=True, timeout=300, env={**os.environ, "LOG_LEVEL": "ERROR"})
    types_of = {check_id: set(types) for check_id, types in json.loads(done.stdout).items()}
    assert len(types_of) > 500  # checkov's whole AWS catalogue was there to look in
    table = load()
    wrong = {}
    for meta in catalogue.load().rules:
        rule_tf_types = {table.types[t].terraform for t in meta.resource_types if t in table.types}
        for check_id in meta.checkov:
            if not types_of.get(check_id, set()) & rule_tf_types:
                wrong[check_id] = (meta.id, sorted(types_of.get(check_id, set())))
    assert wrong == {}


def test_unknown_attribute_read_by_a_check_gives_unknown_not_fail() -> None:
    resources = [sets.resource("aws:kms/key:Key", "k", {"enableKeyRotation": "1c4a061d-8072-4f0a-a4cb-0ff528b18fe7"})]
    result = scan(resources)
    rotation = next(f for f in result.findings if f.rule_id == "CKV_AWS_7")
    assert rotation.status is Status.UNKNOWN
    assert "enable_key_rotation" in rotation.message
    assert result.unknown_attributes == {resources[0].urn: ["enable_key_rotation"]}


def test_skipped_types_and_duration_are_reported() -> None:
    resources = [sets.resource("random:index/randomPassword:RandomPassword", "pw", {"length": 32.0}),
                 sets.resource("aws:kms/key:Key", "k", {"enableKeyRotation": True})]
    result = scan(resources)
    assert result.skipped == [{"urn": resources[0].urn, "type": "random:index/randomPassword:RandomPassword",
                               "reason": "no Terraform mapping for this type"}]
    assert result.duration > 0
    assert result.addresses == {"aws_kms_key.k": resources[1].urn}


def test_nothing_to_scan_does_not_start_checkov() -> None:
    result = scan([sets.resource("random:index/randomId:RandomId", "rid", {})])
    assert result.findings == [] and result.duration == 0.0 and len(result.skipped) == 1


def test_ferpaguard_never_imports_checkov() -> None:
    """checkov is not installed beside ferpaguard: nothing ferpaguard imports may import it."""
    import subprocess

    code = ("import sys, ferpaguard.checkov.scan, ferpaguard.checkov.crosscheck, ferpaguard.pipeline; "
            "print(sorted(m for m in sys.modules if m.split('.')[0] == 'checkov'))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         cwd=Path(__file__).resolve().parents[2])
    assert out.stdout.strip() == "[]"


def test_no_plan_file_is_left_behind(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TMPDIR", str(tmp_path))
    import tempfile

    monkeypatch.setattr(tempfile, "tempdir", None)
    resources = sets.unencrypted()[:2]
    assert scan(resources).findings
    left = [path for path in tmp_path.rglob("*")]
    assert [path for path in left if path.name.startswith("ferpaguard-checkov-")] == []
    # checkov's parser library may cache its grammar there: nothing else, and nothing of the plan
    assert all(path.name.startswith(".lark_cache") for path in left), left
    assert not any(resources[0].name.encode() in path.read_bytes() for path in left if path.is_file())


def test_bucket_encryption_configured_by_a_separate_resource_is_seen_through_the_reference() -> None:
    bucket = sets.resource("aws:s3/bucket:Bucket", "records", {"bucket": "records"}, {"id": "records"})
    sse = sets.resource(
        "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration", "records-sse",
        {"bucket": "records", "rules": [{"applyServerSideEncryptionByDefault": {
            "sseAlgorithm": "aws:kms", "kmsMasterKeyId": sets.KEY_ARN}}]},
        deps={"bucket": [("aws:s3/bucket:Bucket", "records")]},
    )
    with_sse = {f.rule_id: f.status for f in scan([bucket, sse]).findings if f.urn == bucket.urn}
    alone = {f.rule_id: f.status for f in scan([bucket]).findings if f.urn == bucket.urn}
    assert with_sse["CKV_AWS_145"] is Status.PASS
    assert alone["CKV_AWS_145"] is Status.FAIL


def test_splitting_the_plan_into_files_changes_no_finding() -> None:
    resources = sets.alb_vpclink()
    whole = scan(resources)
    split = scan(resources, plan_file_resources=3)
    assert [(f.rule_id, f.urn, f.status) for f in split.findings] == [
        (f.rule_id, f.urn, f.status) for f in whole.findings
    ]


def test_split_plan_keeps_referencing_resources_together() -> None:
    from ferpaguard.checkov.convert import to_plan
    from ferpaguard.checkov.scan import split_plan

    parts = split_plan(to_plan(sets.alb_vpclink()).plan, limit=2)
    by_part = [{r["address"] for r in p["planned_values"]["root_module"]["resources"]} for p in parts]
    together = next(addresses for addresses in by_part if "aws_api_gateway_vpc_link.records-link" in addresses)
    assert "aws_lb.records-alb" in together
    assert sorted(a for addresses in by_part for a in addresses) == sorted(
        r["address"] for r in to_plan(sets.alb_vpclink()).plan["planned_values"]["root_module"]["resources"]
    )
    # Only a connected group larger than the limit may exceed it: the backup selection with what it picks.
    assert all(len(addresses) <= 2 or "aws_backup_selection.records-selection" in addresses for addresses in by_part)
    assert sum(len(addresses) > 2 for addresses in by_part) == 1
