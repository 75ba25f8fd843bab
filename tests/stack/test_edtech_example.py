"""examples/edtech-serverless gates clean; its broken twin (tests/programs/edtech_serverless_broken)
has every weakness named by the rule that owns it."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
EXAMPLE = REPO / "examples" / "edtech-serverless"
BROKEN = REPO / "tests" / "programs" / "edtech_serverless_broken"

# (policy, resource) for each weakness the twin carries, as the program's comments describe them.
WEAKNESSES = {
    ("s3-bucket-public-access-block", "transcripts"),
    ("s3-bucket-no-public-grants", "transcripts"),
    ("s3-bucket-tls-only-policy", "transcripts"),
    ("s3-bucket-sse-kms", "transcripts"),
    ("s3-bucket-versioning", "transcripts"),
    ("s3-bucket-access-logging", "transcripts"),
    ("dynamodb-table-cmk", "grades"),
    ("dynamodb-point-in-time-recovery", "grades"),
    ("dynamodb-deletion-protection", "grades"),
    ("sqs-queue-cmk", "enrolment-events"),
    ("sqs-queue-tls-only-policy", "enrolment-events"),
    ("sns-topic-cmk", "enrolment-notifications"),
    ("sns-topic-tls-only-policy", "enrolment-notifications"),
    ("iam-no-admin-managed-policy", "grades-api-admin"),
    ("lambda-environment-cmk", "grades-api"),
    ("lambda-environment-no-plaintext-secrets", "grades-api"),
    ("lambda-function-url-auth", "grades-api-url"),
    ("lambda-permission-no-public-principal", "anyone-invokes"),
    ("apigwv2-integration-no-plain-http", "legacy-sis"),
    ("apigwv2-route-authorization", "route-students"),
    ("apigwv2-stage-access-logging", "grades-http-api-stage"),
    ("log-group-cmk", "grades-api-logs"),
    ("log-retention", "grades-api-logs"),
    ("cloudfront-viewer-https", "portal-cdn"),
    ("cloudfront-viewer-tls12", "portal-cdn"),
    ("cloudfront-origin-tls12", "portal-cdn"),
}


def gate(program: Path) -> tuple[int, list[dict]]:
    done = subprocess.run([sys.executable, "-m", "ferpaguard", "gate", str(program), "--format", "json"],
                          cwd=REPO, capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode in (0, 1), done.stderr
    return done.returncode, json.loads(done.stdout)["findings"]


def test_the_example_has_no_mandatory_violation_and_nothing_left_unknown() -> None:
    code, findings = gate(EXAMPLE)
    assert code == 0
    assert [f for f in findings if f["status"] == "fail" and f["enforcement"] == "mandatory"] == []
    # Built so that every policy is known at preview time: nothing is left for a deploy to decide.
    assert [(f["policy"], f["resource_name"]) for f in findings if f["status"] == "unknown"] == []
    judged = {f["policy"] for f in findings if f["status"] == "pass"}
    # The example has no function URL: serving the API through the authorized HTTP API is the fix.
    assert {policy for policy, _ in WEAKNESSES} - {"lambda-function-url-auth"} <= judged


def test_the_broken_twin_fails_with_every_weakness_named() -> None:
    code, findings = gate(BROKEN)
    assert code == 1
    failed = {(f["policy"], f["resource_name"]) for f in findings if f["status"] == "fail"}
    assert failed >= WEAKNESSES, sorted(WEAKNESSES - failed)
    plaintext = next(f for f in findings if f["policy"] == "lambda-environment-no-plaintext-secrets")
    assert "DB_PASSWORD" in plaintext["message"]
    assert "Spring2026!grades" not in json.dumps(findings)
