import pytest

from tests.rules.helpers import (
    UNKNOWN,
    for_urn,
    only,
    res,
    run_stack,
    secret,
    statuses,
)

RULE_ID = "FERPA-LOG-05"
TRAIL = "aws:cloudtrail/trail:Trail"
KEY = "aws:kms/key:Key"
STACK = "pulumi:pulumi:Stack"
KEY_ARN = "arn:aws:kms:us-east-1:123456789012:key/1234abcd"


def stack_resource():
    return res(
        STACK, {}, urn="urn:pulumi:test::ferpaguard::pulumi:pulumi:Stack::ferpaguard-test", name="ferpaguard-test"
    )


def trail(deps=None, **props):
    base = {"s3BucketName": "audit", "enableLogFileValidation": True, "kmsKeyId": KEY_ARN, "isMultiRegionTrail": True}
    return res(TRAIL, {**base, **props}, name="audit", property_dependencies=deps or {})


def test_validated_encrypted_trail_passes():
    subject = trail()
    outcome = only(run_stack(RULE_ID, [stack_resource(), subject]))
    assert (outcome.status, outcome.urn) == ("pass", subject.urn)


def test_no_trail_fails_on_the_stack():
    stack = stack_resource()
    outcome = only(run_stack(RULE_ID, [stack]))
    assert (outcome.status, outcome.urn) == ("fail", stack.urn)
    assert outcome.message == "the stack has no CloudTrail trail recording API activity"


def test_no_trail_and_no_stack_resource_uses_empty_urn():
    assert only(run_stack(RULE_ID, [])).urn == ""


def test_managed_elsewhere_passes_with_a_message():
    stack = stack_resource()
    outcome = only(run_stack(RULE_ID, [stack], managedElsewhere=True))
    assert (outcome.status, outcome.urn) == ("pass", stack.urn)
    assert "managed outside this stack" in outcome.message


@pytest.mark.parametrize(
    ("props", "message"),
    [
        ({"enableLogFileValidation": False}, "enableLogFileValidation is not true"),
        ({"enableLogFileValidation": None}, "enableLogFileValidation is not true"),
        ({"kmsKeyId": None}, "kmsKeyId is not set"),
    ],
)
def test_weak_trail_fails(props, message):
    outcome = only(run_stack(RULE_ID, [trail(**props)]))
    assert outcome.status == "fail"
    assert outcome.message.startswith(message)


def test_both_problems_are_reported_together():
    outcome = only(run_stack(RULE_ID, [trail(enableLogFileValidation=None, kmsKeyId=None)]))
    assert "enableLogFileValidation" in outcome.message
    assert "kmsKeyId" in outcome.message


def test_unknown_key_resolved_to_a_stack_key_passes():
    key = res(KEY, {"enableKeyRotation": True}, name="audit-key")
    assert statuses(run_stack(RULE_ID, [key, trail(kmsKeyId=UNKNOWN, deps={"kmsKeyId": [key.urn]})])) == ["pass"]


def test_unknown_values_are_unknown():
    assert statuses(run_stack(RULE_ID, [trail(kmsKeyId=UNKNOWN)])) == ["unknown"]
    flag = "1c4a061d-8072-4f0a-a4cb-0ff528b18fe7"
    assert statuses(run_stack(RULE_ID, [trail(enableLogFileValidation=flag)])) == ["unknown"]


def test_secret_key_counts_as_set():
    outcomes = run_stack(RULE_ID, [trail(kmsKeyId=secret(KEY_ARN))])
    assert statuses(outcomes) == ["pass"]
    assert KEY_ARN not in outcomes[0].message


def test_in_stack_trails_are_still_judged_when_managed_elsewhere():
    stack, weak = stack_resource(), trail(enableLogFileValidation=False)
    outcomes = run_stack(RULE_ID, [stack, weak], managedElsewhere=True)
    assert statuses(for_urn(outcomes, weak.urn)) == ["fail"]
    assert statuses(for_urn(outcomes, stack.urn)) == ["pass"]
