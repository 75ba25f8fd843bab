import pytest

from policies.model import Status
from tests.rules.helpers import (
    UNKNOWN,
    for_urn,
    only,
    res,
    run_stack,
    secret,
    urn_for,
)

RULE = "FERPA-ENC-08"
BUCKET = "aws:s3/bucket:Bucket"
BUCKET_V2 = "aws:s3/bucketV2:BucketV2"
SSE = "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration"
SSE_V2 = "aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2"
KEY = "arn:aws:kms:us-east-1:111122223333:key/bucket"


def bucket(name="records", type_=BUCKET, **props):
    return res(type_, props, name=name, id=f"{name}-bucket-id")


def sse(bucket_ref="records-bucket-id", algorithm="aws:kms", key=KEY, type_=SSE, name="records-sse", **extra):
    default = {"sseAlgorithm": algorithm}
    if key is not None:
        default["kmsMasterKeyId"] = key
    return res(type_, {"bucket": bucket_ref, "rules": [{"applyServerSideEncryptionByDefault": default}]},
               name=name, **extra)


def verdict(resources, urn=None):
    outcomes = run_stack(RULE, resources)
    assert all(o.urn for o in outcomes), "every outcome names its resource"
    return only(for_urn(outcomes, urn or urn_for(BUCKET, "records")))


@pytest.mark.parametrize(("bucket_type", "sse_type"), [(BUCKET, SSE), (BUCKET_V2, SSE_V2), (BUCKET, SSE_V2)])
def test_bucket_with_kms_cmk_configuration_passes(bucket_type, sse_type):
    outcome = verdict([bucket(type_=bucket_type), sse(type_=sse_type)], urn_for(bucket_type, "records"))
    assert outcome.status is Status.PASS
    assert "records-sse" in outcome.message


def test_dsse_kms_passes():
    assert verdict([bucket(), sse(algorithm="aws:kms:dsse")]).status is Status.PASS


def test_bucket_without_configuration_fails_as_aws_default_sse_s3():
    outcome = verdict([bucket()])
    assert outcome.status is Status.FAIL
    assert "no BucketServerSideEncryptionConfiguration" in outcome.message and "AES256" in outcome.message


def test_configuration_for_another_bucket_does_not_count():
    outcome = verdict([bucket(), bucket("other"), sse("other-bucket-id")])
    assert outcome.status is Status.FAIL
    assert only(for_urn(run_stack(RULE, [bucket(), bucket("other"), sse("other-bucket-id")]),
                        urn_for(BUCKET, "other"))).status is Status.PASS


def test_aes256_fails():
    outcome = verdict([bucket(), sse(algorithm="AES256", key=None)])
    assert outcome.status is Status.FAIL
    assert "sseAlgorithm is 'AES256', not aws:kms" in outcome.message


def test_kms_without_key_fails_as_aws_managed_default():
    outcome = verdict([bucket(), sse(key=None)])
    assert outcome.status is Status.FAIL
    assert "kmsMasterKeyId is not set" in outcome.message and "aws/s3" in outcome.message


def test_kms_with_aws_managed_alias_fails():
    outcome = verdict([bucket(), sse(key="alias/aws/s3")])
    assert outcome.status is Status.FAIL
    assert "alias/aws/s3 is an AWS-managed key" in outcome.message


def test_configuration_without_rules_fails():
    config = res(SSE, {"bucket": "records-bucket-id", "rules": []}, name="records-sse")
    assert "has no rules" in verdict([bucket(), config]).message


def test_unknown_bucket_reference_resolves_through_property_dependencies():
    config = sse(UNKNOWN, property_dependencies={"bucket": [urn_for(BUCKET, "records")]})
    assert verdict([bucket(), config]).status is Status.PASS


def test_unresolvable_bucket_reference_makes_unconfigured_buckets_unknown():
    outcome = verdict([bucket(), sse(UNKNOWN)])
    assert outcome.status is Status.UNKNOWN
    assert "records-sse" in outcome.message


def test_literal_bucket_name_matches_the_bucket_property():
    assert verdict([bucket(bucket="student-records"), sse("student-records")]).status is Status.PASS


def test_unknown_key_or_algorithm_is_unknown():
    assert verdict([bucket(), sse(key=UNKNOWN)]).status is Status.UNKNOWN
    assert verdict([bucket(), sse(algorithm=UNKNOWN)]).status is Status.UNKNOWN


def test_secret_key_is_evaluated_but_not_shown():
    assert verdict([bucket(), sse(key=secret(KEY))]).status is Status.PASS
    outcome = verdict([bucket(), sse(key=secret("alias/aws/s3"))])
    assert outcome.status is Status.FAIL
    assert "alias/aws/s3" not in outcome.message


def test_inline_configuration_on_bucket_is_read():
    inline = {"rule": {"applyServerSideEncryptionByDefault": {"sseAlgorithm": "aws:kms", "kmsMasterKeyId": KEY}}}
    assert verdict([bucket(serverSideEncryptionConfiguration=inline)]).status is Status.PASS
    inline = {"rule": {"applyServerSideEncryptionByDefault": {"sseAlgorithm": "AES256"}}}
    assert verdict([bucket(serverSideEncryptionConfiguration=inline)]).status is Status.FAIL


def test_inline_configurations_on_bucket_v2_are_read():
    default = {"sseAlgorithm": "aws:kms", "kmsMasterKeyId": KEY}
    inline = [{"rules": [{"applyServerSideEncryptionByDefaults": [default]}]}]
    v2 = bucket(type_=BUCKET_V2, serverSideEncryptionConfigurations=inline)
    outcome = verdict([v2], urn_for(BUCKET_V2, "records"))
    assert outcome.status is Status.PASS


def test_outputs_are_read_in_audit_mode():
    stored = res(BUCKET, {}, name="records", outputs={"bucket": "records", "id": "records"}, id="records")
    config = res(SSE, {}, name="records-sse", outputs={
        "bucket": "records", "rules": [{"applyServerSideEncryptionByDefault": {"sseAlgorithm": "aws:kms",
                                                                             "kmsMasterKeyId": KEY}}]})
    outcome = only(for_urn(run_stack(RULE, [stored, config], use_outputs=True), stored.urn))
    assert outcome.status is Status.PASS


def test_unknown_key_resolved_to_a_key_of_the_stack_passes():
    key = res("aws:kms/key:Key", {"enableKeyRotation": True}, name="bucket-key")
    config = sse(key=UNKNOWN, property_dependencies={"rules": [key.urn]})
    outcome = verdict([bucket(), config, key])
    assert outcome.status is Status.PASS
    assert "bucket-key" in outcome.message


def test_unknown_key_fed_by_something_else_is_unknown():
    role = res("aws:iam/role:Role", {}, name="role")
    config = sse(key=UNKNOWN, property_dependencies={"rules": [role.urn]})
    assert verdict([bucket(), config, role]).status is Status.UNKNOWN
