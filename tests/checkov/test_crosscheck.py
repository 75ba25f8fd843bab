"""The pack and checkov agree, or their differences are known and explained."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from ferpaguard.checkov.crosscheck import KnownDifference, disagreements, known_differences, unexplained
from ferpaguard.checkov.scan import rules_by_checkov_id, scan
from ferpaguard.evaluate import evaluate
from policies import catalogue
from policies.model import Enforcement, Finding, Resource, Severity, Status
from policies.settings import PackSettings

sys.path.insert(0, str(Path(__file__).parent))
import checkov_resource_sets as sets

RESOURCE_SETS: dict[str, Callable[[], list[Resource]]] = {
    "compliant": sets.compliant,
    "unencrypted": sets.unencrypted,
    "alb_vpclink": sets.alb_vpclink,
    "aws_managed_keys": sets.aws_managed_keys,
    "open_network": sets.open_network,
    "edge_cases": sets.edge_cases,
}


def both(resources: list[Resource]) -> tuple[list[Finding], list[Finding]]:
    pack = evaluate(resources, PackSettings(), use_outputs=True).findings
    return pack, scan(resources).findings


@pytest.mark.parametrize("name", sorted(RESOURCE_SETS))
def test_no_unexplained_disagreement(name: str) -> None:
    pack, checkov = both(RESOURCE_SETS[name]())
    assert unexplained(disagreements(pack, checkov)) == []


def test_compliant_set_passes_both_without_any_disagreement() -> None:
    pack, checkov = both(sets.compliant())
    assert [f for f in pack if f.status is Status.FAIL] == []
    assert disagreements(pack, checkov) == []


def test_aws_managed_keys_disagree_in_the_explained_way() -> None:
    pack, checkov = both(sets.aws_managed_keys())
    found = {(d["rule_id"], d["checkov_id"], d["urn"].rsplit("::", 1)[1]) for d in disagreements(pack, checkov)}
    assert ("FERPA-ENC-01", "CKV_AWS_96", "records-db") in found
    assert ("FERPA-ENC-04", "CKV_AWS_185", "events") in found  # alias/aws/kinesis is "a key" to checkov
    entry = next(d for d in disagreements(pack, checkov) if d["checkov_id"] == "CKV_AWS_96")
    assert entry["ferpaguard_status"] == "fail" and entry["checkov_status"] == "pass"
    assert entry["explained"] and "customer-managed" in entry["reason"]


def test_auth_token_without_transit_encryption_is_an_explained_difference() -> None:
    pack, checkov = both(sets.edge_cases())
    entry = next(d for d in disagreements(pack, checkov) if d["checkov_id"] == "CKV_AWS_31")
    assert (entry["rule_id"], entry["ferpaguard_status"], entry["checkov_status"]) == ("FERPA-TLS-02", "pass", "fail")
    assert entry["explained"] and "FERPA-TLS-01" in entry["reason"]


def test_an_unlisted_difference_is_reported_unexplained() -> None:
    pack, checkov = both(sets.aws_managed_keys())
    entries = disagreements(pack, checkov, known=())
    assert entries and all(not e["explained"] and e["reason"] == "" for e in entries)


def finding(rule_id: str, status: Status, urn: str, source: str) -> Finding:
    return Finding(rule_id, rule_id, rule_id, status, Enforcement.ADVISORY, Severity.HIGH, urn, "t", "n", "m",
                   source=source)


def test_checkov_failing_where_the_pack_passes_is_a_disagreement_too() -> None:
    urn = sets.urn("aws:kms/key:Key", "k")
    pack = [finding("FERPA-ENC-09", Status.PASS, urn, "ferpaguard")]
    checkov = [finding("CKV_AWS_7", Status.FAIL, urn, "checkov")]
    assert disagreements(pack, checkov) == [{
        "urn": urn, "rule_id": "FERPA-ENC-09", "checkov_id": "CKV_AWS_7", "ferpaguard_status": "pass",
        "checkov_status": "fail", "explained": False, "reason": "",
    }]


def test_unknown_waived_and_other_resources_are_not_disagreements() -> None:
    urn = sets.urn("aws:kms/key:Key", "k")
    other = sets.urn("aws:kms/key:Key", "other")
    checkov = [finding("CKV_AWS_7", Status.FAIL, urn, "checkov")]
    for pack_status in (Status.UNKNOWN, Status.WAIVED, Status.NOT_APPLICABLE):
        assert disagreements([finding("FERPA-ENC-09", pack_status, urn, "ferpaguard")], checkov) == []
    assert disagreements([finding("FERPA-ENC-09", Status.PASS, other, "ferpaguard")], checkov) == []


def test_any_failing_outcome_is_the_packs_verdict() -> None:
    urn = sets.urn("aws:kms/key:Key", "k")
    pack = [finding("FERPA-ENC-09", Status.PASS, urn, "ferpaguard"), finding("FERPA-ENC-09", Status.FAIL, urn,
                                                                             "ferpaguard")]
    assert disagreements(pack, [finding("CKV_AWS_7", Status.FAIL, urn, "checkov")]) == []


def test_known_differences_name_real_pairs_with_reasons() -> None:
    mirrors = rules_by_checkov_id()
    rule_ids = {meta.id for meta in catalogue.load().rules}
    for known in known_differences():
        assert isinstance(known, KnownDifference)
        assert known.rule_id in rule_ids
        assert known.rule_id in [meta.id for meta in mirrors[known.checkov_id]], known
        assert {known.ferpaguard_status, known.checkov_status} == {Status.PASS, Status.FAIL}
        assert len(known.reason) > 30
