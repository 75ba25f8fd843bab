"""The pack launched exactly as the Pulumi CLI's Python language host launches it,
driven over the Analyzer gRPC protocol."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from pulumi.runtime.proto import analyzer_pb2

from ferpaguard.host import AnalyzerHost, HostError, diagnostics_to_findings
from policies.model import Resource, Status
from policies.registry import all_rules
from policies.settings import parse
from policies.values import SECRET_SIG, SIG_KEY, UNKNOWN_STRING

REPO_ROOT = Path(__file__).resolve().parents[2]
ALB_ARN = "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/students/50dc6c495c0c9188"
NLB_ARN = "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/net/students/50dc6c495c0c9188"
KEY_ARN = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"


def urn(type_: str, name: str) -> str:
    return f"urn:pulumi:dev::ferpa::{type_}::{name}"


def res(type_: str, name: str, **props: object) -> Resource:
    return Resource(urn=urn(type_, name), type=type_, name=name, props=props)


@pytest.fixture(scope="module")
def host() -> Iterator[AnalyzerHost]:
    with AnalyzerHost(REPO_ROOT, project="ferpa", stack="dev") as started:
        started.configure(parse({}, [r.meta for r in all_rules()]))
        yield started


def mandatory_failures(host: AnalyzerHost, resource: Resource) -> list[str]:
    response = host.analyze(resource)
    return [f.rule_id for f in diagnostics_to_findings(response, default_urn=resource.urn)
            if f.status is Status.FAIL and f.enforcement.value == "mandatory"]


def test_pack_prints_its_port_when_started_like_the_cli() -> None:
    process = subprocess.Popen([sys.executable, "-u", "-m", "pulumi.policy", "127.0.0.1:1", str(REPO_ROOT)],
                               cwd=REPO_ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        assert process.stdout is not None
        line = process.stdout.readline().decode().strip()
        assert line.isdigit() and int(line) > 0
    finally:
        process.kill()
        process.wait(5)


def test_analyzer_info_lists_policies_with_metadata(host: AnalyzerHost) -> None:
    info = host.analyzer_info()
    assert info.name == "ferpaguard-ferpa-aws"
    assert len(info.policies) >= 25
    assert len(info.policies) == len(all_rules())
    for policy in info.policies:
        assert policy.severity != analyzer_pb2.POLICY_SEVERITY_UNSPECIFIED, policy.name
        assert policy.framework.name == "FERPA", policy.name
        assert policy.remediation_steps, policy.name
        assert "waivers" in policy.configSchema.properties, policy.name
    assert host.plugin_info().version


@pytest.mark.parametrize(
    ("resource", "rule_id"),
    [
        (res("aws:rds/cluster:Cluster", "db", engine="aurora-postgresql", kmsKeyId=KEY_ARN), "FERPA-ENC-01"),
        (res("aws:apigateway/vpcLink:VpcLink", "link", targetArn=ALB_ARN), "FERPA-LINK-01"),
        (res("aws:lb/listener:Listener", "http", protocol="HTTP", port=80,
             defaultActions=[{"type": "forward", "targetGroupArn": "arn:tg"}]), "FERPA-TLS-03"),
        (res("aws:lb/listener:Listener", "udp", protocol="UDP", port=443,
             defaultActions=[{"type": "forward", "targetGroupArn": "arn:tg"}]), "FERPA-TLS-03"),
        (res("aws:elasticache/replicationGroup:ReplicationGroup", "redis", atRestEncryptionEnabled=True,
             kmsKeyId=KEY_ARN), "FERPA-TLS-01"),
    ],
    ids=["aurora-unencrypted", "vpclink-alb", "http-listener", "udp-listener", "redis-no-transit"],
)
def test_violations_are_mandatory_over_grpc(host: AnalyzerHost, resource: Resource, rule_id: str) -> None:
    assert rule_id in mandatory_failures(host, resource)


@pytest.mark.parametrize(
    "resource",
    [
        res("aws:rds/cluster:Cluster", "db", engine="aurora-postgresql", storageEncrypted=True, kmsKeyId=KEY_ARN),
        res("aws:apigateway/vpcLink:VpcLink", "link", targetArn=NLB_ARN),
        res("aws:lb/listener:Listener", "tls", protocol="TLS", port=443, certificateArn="arn:aws:acm:cert",
            sslPolicy="ELBSecurityPolicy-TLS13-1-2-2021-06", defaultActions=[{"type": "forward"}]),
        res("aws:elasticache/replicationGroup:ReplicationGroup", "redis", atRestEncryptionEnabled=True,
            kmsKeyId=KEY_ARN, transitEncryptionEnabled=True, transitEncryptionMode="required",
            authToken={SIG_KEY: SECRET_SIG, "value": "s3cret-token-value"}),
    ],
    ids=["aurora-cmk", "vpclink-nlb", "tls-listener", "redis-tls"],
)
def test_compliant_versions_get_no_mandatory_violation(host: AnalyzerHost, resource: Resource) -> None:
    assert mandatory_failures(host, resource) == []


def test_unknown_kms_key_is_unknown_not_a_violation(host: AnalyzerHost) -> None:
    cluster = res("aws:rds/cluster:Cluster", "db", engine="aurora-postgresql", storageEncrypted=True,
                  kmsKeyId=UNKNOWN_STRING)
    findings = diagnostics_to_findings(host.analyze(cluster), default_urn=cluster.urn)
    assert not [f for f in findings if f.status is Status.FAIL and f.enforcement.value == "mandatory"]
    enc = [f for f in findings if f.rule_id == "FERPA-ENC-01"]
    assert [f.status for f in enc] == [Status.UNKNOWN]
    assert enc[0].enforcement.value == "advisory"  # the SDK's "can't run policy during preview" path
    assert "kmsKeyId" in enc[0].message


def test_disabled_policy_is_not_run(host: AnalyzerHost) -> None:
    metas = [r.meta for r in all_rules()]
    host.configure(parse({"rds-storage-encrypted-cmk": "disabled"}, metas))
    try:
        cluster = res("aws:rds/cluster:Cluster", "db", engine="aurora-postgresql")
        assert "FERPA-ENC-01" not in mandatory_failures(host, cluster)
    finally:
        host.configure(parse({}, metas))


def test_pack_that_cannot_start_is_a_host_error(tmp_path: Path) -> None:
    (tmp_path / "__main__.py").write_text("raise SystemExit('broken pack: missing dependency')\n")
    with pytest.raises(HostError, match="did not start"):
        AnalyzerHost(tmp_path).start()


def test_invalid_policy_config_is_reported_not_silently_replaced(host: AnalyzerHost) -> None:
    """The engine checks config only against property schemas; an impossible waiver date gets through to the pack."""
    from google.protobuf import struct_pb2

    properties = struct_pb2.Struct()
    properties.update({"waivers": [{"resource": "*", "reason": "r", "approver": "a", "expires": "2027-02-30"}]})
    request = analyzer_pb2.ConfigureAnalyzerRequest()
    request.policyConfig["rds-storage-encrypted-cmk"].CopyFrom(
        analyzer_pb2.PolicyConfig(enforcementLevel=analyzer_pb2.MANDATORY, properties=properties))
    assert host.stub is not None
    host.stub.Configure(request)
    try:
        cluster = res("aws:rds/cluster:Cluster", "db", engine="aurora-postgresql", storageEncrypted=True,
                      kmsKeyId=KEY_ARN)
        messages = [f.message for f in diagnostics_to_findings(host.analyze(cluster), default_urn=cluster.urn)
                    if f.rule_id == "FERPA-ENC-01"]
        assert messages == ["invalid policy configuration: rds-storage-encrypted-cmk.waivers[0].expires: "
                            "not a valid date: '2027-02-30'"]
    finally:
        host.configure(parse({}, [r.meta for r in all_rules()]))
