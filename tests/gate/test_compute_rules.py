"""The compute and edge rules (ids 40-48) on programs written with the real SDK: the wire names
they read are the ones pulumi_aws sends. compute_weak has each weakness, so every one of those
rules fails; compute_hardened builds the same services as the rules ask, so none fails."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from tests.gate.test_gate_cli import REPO_ROOT, gate_json

PROGRAMS = Path(__file__).with_name("programs")
CATALOGUE_FILES = ("lambda", "apigateway", "cloudfront", "elb_classic", "ec2", "eks", "iam_extra")
RULE_IDS = {
    rule["id"]
    for name in CATALOGUE_FILES
    for rule in yaml.safe_load((REPO_ROOT / "policies" / "catalogue" / f"{name}.yaml").read_text())["rules"]
}
# (rule, resource) of compute_hardened a resource rule cannot settle during preview: keys computed from the
# stack's KMS key (FERPA-ENC-11 resolves them) and a log group ARN.
KEYS_SETTLED_BY_ENC_11 = {("FERPA-ENC-42", "data"), ("FERPA-ENC-45", "k8s")}
UNKNOWN_IN_PREVIEW = KEYS_SETTLED_BY_ENC_11 | {("FERPA-LOG-40", "http-stage")}


@pytest.fixture(scope="module")
def weak() -> tuple[int, dict]:
    return gate_json(PROGRAMS / "compute_weak")


@pytest.fixture(scope="module")
def hardened() -> tuple[int, dict]:
    return gate_json(PROGRAMS / "compute_hardened")


def test_every_compute_rule_fails_on_the_weak_program(weak: tuple[int, dict]) -> None:
    code, document = weak
    failed = {f["rule_id"] for f in document["findings"] if f["status"] == "fail"}
    assert code == 1
    assert len(RULE_IDS) >= 20
    assert RULE_IDS - failed == set()


def test_plain_text_credential_is_named_never_shown(weak: tuple[int, dict]) -> None:
    _, document = weak
    (finding,) = [f for f in document["findings"] if f["rule_id"] == "FERPA-IAM-40"]
    assert "DB_PASSWORD" in finding["message"]
    assert "hunter2" not in repr(document)


def test_no_compute_rule_fails_on_the_hardened_program(hardened: tuple[int, dict]) -> None:
    _, document = hardened
    mine = [f for f in document["findings"] if f["rule_id"] in RULE_IDS]
    assert [(f["rule_id"], f["resource_name"], f["message"]) for f in mine if f["status"] == "fail"] == []
    judged = {f["rule_id"] for f in mine if f["status"] == "pass"} | {rule for rule, _ in UNKNOWN_IN_PREVIEW}
    assert RULE_IDS - judged == set()


def test_hardened_unknowns_are_only_values_computed_in_preview(hardened: tuple[int, dict]) -> None:
    _, document = hardened
    unknown = {(f["rule_id"], f["resource_name"]) for f in document["findings"]
               if f["rule_id"] in RULE_IDS and f["status"] == "unknown"}
    assert unknown <= UNKNOWN_IN_PREVIEW
    settled = {f["resource_name"] for f in document["findings"] if f["rule_id"] == "FERPA-ENC-11"
               and f["status"] == "pass"}
    assert {name for _, name in KEYS_SETTLED_BY_ENC_11} <= settled
