"""Hand-built RunResults for the evidence writers' tests."""

from __future__ import annotations

import datetime as dt

from ferpaguard.run import InputRef, RunResult
from policies import catalogue
from policies.model import Finding, Status
from policies.values import SECRET_SIG, SIG_KEY, UNKNOWN_STRING

MARKER_SECRET = "hunter2-MARKER-7f3a9c"
HOSTILE_NAME = "<script>alert(1)</script> \"dq\" 'sq'\nline2\x07\x1b[31m ünïcødé 学生 & </td>"
FORMULA_NAME = '=HYPERLINK("http://evil.example","x")'
STACK = "dev"
URN_PREFIX = f"urn:pulumi:{STACK}::ferpa-records::"
START = dt.datetime(2025, 3, 1, 12, 0, 0, tzinfo=dt.UTC)
END = dt.datetime(2025, 3, 1, 12, 0, 7, 250000, tzinfo=dt.UTC)
PACK_HASH = "a" * 64
INPUT_SHA = "b" * 64


def secret(value: str) -> dict[str, str]:
    return {SIG_KEY: SECRET_SIG, "value": value}


def urn(resource_type: str, name: str) -> str:
    return f"{URN_PREFIX}{resource_type}::{name}"


def finding(
    rule_id: str,
    status: Status,
    resource_type: str,
    name: str,
    message: str = "",
    evidence: dict | None = None,
    waiver: dict | None = None,
) -> Finding:
    meta = catalogue.load().rule(rule_id)
    return Finding(
        rule_id=rule_id,
        policy=meta.name,
        title=meta.title,
        status=status,
        enforcement=meta.enforcement,
        severity=meta.severity,
        urn=urn(resource_type, name),
        resource_type=resource_type,
        resource_name=name,
        message=message or ("compliant" if status is Status.PASS else f"{meta.title}: not met"),
        controls=meta.controls,
        stack=STACK,
        evidence=evidence or {},
        waiver=waiver,
    )


def _run(findings: list[Finding], **extra: object) -> RunResult:
    return RunResult(
        command="gate",
        tool_version="0.1.0",
        pack_name="ferpaguard",
        pack_version="0.1.0",
        pack_hash=PACK_HASH,
        inputs=[InputRef(path="stack/Pulumi.yaml", sha256=INPUT_SHA, kind="program", stack=STACK)],
        started=START,
        finished=END,
        findings=findings,
        timings={"evaluate": 0.123456, "program": 1.5},
        **extra,  # type: ignore[arg-type]
    )


CLUSTER = "aws:rds/cluster:Cluster"
VPC_LINK = "aws:apigateway/vpcLink:VpcLink"
REPLICATION_GROUP = "aws:elasticache/replicationGroup:ReplicationGroup"
STAGE = "aws:apigateway/stage:Stage"
BUCKET = "aws:s3/bucketV2:BucketV2"


def compliant_run() -> RunResult:
    return _run(
        [
            finding("FERPA-ENC-01", Status.PASS, CLUSTER, "student-db"),
            finding("FERPA-ENC-03", Status.PASS, REPLICATION_GROUP, "sessions"),
            finding("FERPA-TLS-01", Status.PASS, REPLICATION_GROUP, "sessions"),
            finding("FERPA-LINK-01", Status.PASS, VPC_LINK, "api-link"),
            finding("FERPA-LOG-01", Status.PASS, STAGE, "prod"),
            finding("FERPA-RES-01", Status.NOT_APPLICABLE, CLUSTER, "student-db", "no backups to check"),
        ]
    )


WAIVER = {
    "policy": "apigw-stage-access-logging",
    "resource": "prod",
    "reason": "access logs are shipped by the <b>edge</b> proxy",
    "approver": "ciso@example.edu",
    "expires": "2099-12-31",
}


def broken_run() -> RunResult:
    """Every status, several controls, a waiver, a hostile name, a formula name and a marker secret."""
    findings = [
        finding(
            "FERPA-ENC-01",
            Status.FAIL,
            CLUSTER,
            "student-db",
            f"storage uses alias/aws/rds; master password {MARKER_SECRET} is in plaintext",
            evidence={
                "kmsKeyId": "alias/aws/rds",
                "masterPassword": secret(MARKER_SECRET),
                "nested": [{"token": secret(MARKER_SECRET)}],
            },
        ),
        finding(
            "FERPA-LINK-01",
            Status.FAIL,
            VPC_LINK,
            HOSTILE_NAME,
            f"targetArn of {HOSTILE_NAME} is an Application Load Balancer",
            evidence={"targetArn": "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/alb/1"},
        ),
        finding(
            "FERPA-TLS-01",
            Status.UNKNOWN,
            REPLICATION_GROUP,
            "sessions",
            "transitEncryptionEnabled is not known during preview",
            evidence={"transitEncryptionEnabled": "1c4a061d-8072-4f0a-a4cb-0ff528b18fe7", "authToken": UNKNOWN_STRING},
        ),
        finding("FERPA-ENC-03", Status.PASS, REPLICATION_GROUP, "sessions"),
        finding(
            "FERPA-LOG-01",
            Status.WAIVED,
            STAGE,
            "prod",
            "access logging is not configured",
            waiver=WAIVER,
        ),
        finding("FERPA-LOG-03", Status.FAIL, "aws:cloudwatch/logGroup:LogGroup", FORMULA_NAME, "-1 days retention"),
        finding("FERPA-RES-01", Status.NOT_APPLICABLE, CLUSTER, "student-db", "no backups to check"),
        finding("FERPA-NET-01", Status.PASS, CLUSTER, "student-db"),
    ]
    return _run(
        findings,
        waivers=[WAIVER],
        disagreements=[{"urn": urn(CLUSTER, "student-db"), "checkov": "CKV_AWS_16", "detail": secret(MARKER_SECRET)}],
        skipped=[{"urn": urn(BUCKET, "uploads"), "reason": "unsupported resource type"}],
        notes=["checkov ran on 5 resources", f"note that leaks {MARKER_SECRET}?"],
    )
