"""What the gate and the audit settle with the whole stack in view (ferpaguard/evaluate.py):
a resource rule's unknown that a stack rule (or the rule's own `resolve_stack`) resolves takes
that verdict and names the resolver; the pack keeps the engine's protocol (resolve_unknowns=False).
Also the audit's judgement of what is deployed (drift) and `audit --judge-inputs`."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from ferpaguard.evaluate import evaluate
from policies.model import Finding, Resource, Status
from policies.settings import PackSettings
from tests.rules.helpers import UNKNOWN, res

REPO_ROOT = Path(__file__).resolve().parents[2]
KEY_ARN = "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"
ALB_ARN = "arn:aws:elasticloadbalancing:us-east-1:111122223333:loadbalancer/app/records/50dc6c495c0c9188"
HTTP_ARN = "arn:aws:elasticloadbalancing:us-east-1:111122223333:listener/app/records/50dc6c495c0c9188/80"
REDIRECT = [{"type": "redirect", "redirect": {"protocol": "HTTPS", "port": "443", "statusCode": "HTTP_301"}}]
FORWARD = [{"type": "forward", "targetGroupArn": "arn:tg"}]


def findings(resources: list[Resource], *, resolve: bool = True, **options: Any) -> list[Finding]:
    return evaluate(resources, PackSettings(), resolve_unknowns=resolve, **options).findings


def about(found: list[Finding], rule_id: str, resource: Resource) -> list[Finding]:
    return [f for f in found if f.rule_id == rule_id and f.urn == resource.urn]


def one(found: list[Finding], rule_id: str, resource: Resource) -> Finding:
    matching = about(found, rule_id, resource)
    assert len(matching) == 1, [(f.status, f.message) for f in matching]
    return matching[0]


def key() -> Resource:
    return res("aws:kms/key:Key", {"enableKeyRotation": True}, name="records-key", id="1234abcd")


def test_computed_key_arn_is_resolved_by_enc_11_and_the_pack_keeps_it_unknown() -> None:
    kms = key()
    cluster = res("aws:rds/cluster:Cluster", {"storageEncrypted": True, "kmsKeyId": UNKNOWN},
                  name="records-db", property_dependencies={"kmsKeyId": [kms.urn]})
    resolved = one(findings([kms, cluster]), "FERPA-ENC-01", cluster)
    assert resolved.status is Status.PASS
    assert resolved.evidence["resolvedBy"] == "FERPA-ENC-11"
    assert "resolved by FERPA-ENC-11" in resolved.message
    assert one(findings([kms, cluster], resolve=False), "FERPA-ENC-01", cluster).status is Status.UNKNOWN


def test_computed_key_arn_feeding_no_key_stays_unknown() -> None:
    cluster = res("aws:rds/cluster:Cluster", {"storageEncrypted": True, "kmsKeyId": UNKNOWN}, name="records-db")
    assert one(findings([cluster]), "FERPA-ENC-01", cluster).status is Status.UNKNOWN


def listener(name: str, protocol: str | None, actions: list[dict[str, Any]], **props: Any) -> Resource:
    base = {"loadBalancerArn": ALB_ARN, "port": 80 if protocol == "HTTP" else 443, "defaultActions": actions}
    if protocol:
        base["protocol"] = protocol
    return res("aws:lb/listener:Listener", {**base, **props}, name=name)


def alb(**props: Any) -> Resource:
    return res("aws:lb/loadBalancer:LoadBalancer", {"arn": ALB_ARN, "internal": True, **props}, name="records-alb")


@pytest.mark.parametrize(("protocol", "status", "fragment"), [
    ("HTTP", Status.FAIL, "forwards requests from plaintext HTTP listener"),
    ("HTTPS", Status.PASS, "forwards from HTTPS listener"),
])
def test_listener_rule_is_judged_through_its_listener(protocol: str, status: Status, fragment: str) -> None:
    http = listener("records-http", protocol, REDIRECT, arn=HTTP_ARN, certificateArn="arn:cert",
                    sslPolicy="ELBSecurityPolicy-TLS13-1-2-Res-PQ-2025-09")
    rule = res("aws:lb/listenerRule:ListenerRule", {"listenerArn": HTTP_ARN, "actions": FORWARD},
               name="records-api-rule")
    verdict = one(findings([alb(), http, rule]), "FERPA-TLS-03", rule)
    assert verdict.status is status and fragment in verdict.message
    assert one(findings([alb(), http, rule], resolve=False), "FERPA-TLS-03", rule).status is Status.UNKNOWN


def test_gateway_load_balancer_listener_is_not_applicable_through_its_load_balancer() -> None:
    gateway = alb(loadBalancerType="gateway")
    geneve = res("aws:lb/listener:Listener", {"loadBalancerArn": UNKNOWN, "defaultActions": FORWARD},
                 name="appliances", property_dependencies={"loadBalancerArn": [gateway.urn]})
    assert one(findings([gateway, geneve]), "FERPA-TLS-03", geneve).status is Status.NOT_APPLICABLE
    application = alb(loadBalancerType="application")
    plain = res("aws:lb/listener:Listener", {"loadBalancerArn": UNKNOWN, "defaultActions": FORWARD},
                name="plain", property_dependencies={"loadBalancerArn": [application.urn]})
    assert one(findings([application, plain]), "FERPA-TLS-03", plain).status is Status.FAIL


def test_certificate_of_the_stack_resolves_a_computed_certificate_arn() -> None:
    certificate = res("aws:acm/certificate:Certificate", {"domainName": "records.example.edu"}, name="records-cert")
    https = listener("records-https", "HTTPS", FORWARD, certificateArn=UNKNOWN,
                     sslPolicy="ELBSecurityPolicy-TLS13-1-2-Res-PQ-2025-09")
    https = res(https.type, https.props, name=https.name, property_dependencies={"certificateArn": [certificate.urn]})
    assert one(findings([certificate, https]), "FERPA-TLS-03", https).status is Status.PASS


def web_group(port: int = 80) -> Resource:
    ingress = [{"protocol": "tcp", "fromPort": port, "toPort": port, "cidrBlocks": ["0.0.0.0/0"]},
               {"protocol": "tcp", "fromPort": 443, "toPort": 443, "cidrBlocks": ["0.0.0.0/0"]}]
    return res("aws:ec2/securityGroup:SecurityGroup", {"ingress": ingress}, name="edge", id="sg-edge")


def test_port_80_serving_only_a_redirect_listener_is_consistent_with_tls_03() -> None:
    group = web_group()
    balancer = alb(securityGroups=["sg-edge"])
    redirect = listener("records-http", "HTTP", REDIRECT)
    verdict = one(findings([group, balancer, redirect]), "FERPA-NET-03", group)
    assert verdict.status is Status.PASS and "redirect" in verdict.message


@pytest.mark.parametrize("extra", ["forwarding-listener", "forwarding-rule", "no-load-balancer"])
def test_port_80_otherwise_stays_an_exposure_or_unknown(extra: str) -> None:
    group = web_group()
    balancer = alb(securityGroups=["sg-edge"])
    redirect = listener("records-http", "HTTP", REDIRECT, arn=HTTP_ARN)
    resources = [group, balancer, redirect]
    if extra == "forwarding-listener":
        resources[2] = listener("records-http", "HTTP", FORWARD)
    elif extra == "forwarding-rule":
        resources.append(res("aws:lb/listenerRule:ListenerRule", {"listenerArn": HTTP_ARN, "actions": FORWARD},
                             name="api-rule"))
    else:
        resources = [group]
    expected = Status.UNKNOWN if extra == "no-load-balancer" else Status.FAIL
    assert one(findings(resources), "FERPA-NET-03", group).status is expected


def instance(name: str, **props: Any) -> Resource:
    return res("aws:rds/instance:Instance", {"engine": "postgres", **props}, name=name, id=name)


@pytest.mark.parametrize(("source_props", "status"), [
    ({"storageEncrypted": True, "kmsKeyId": KEY_ARN}, Status.PASS),
    ({}, Status.FAIL),
    ({"storageEncrypted": True}, Status.FAIL),
])
def test_read_replica_takes_its_sources_encryption(source_props: dict[str, Any], status: Status) -> None:
    source = instance("records-db", **source_props)
    replica = instance("records-replica", replicateSourceDb="records-db")
    verdict = one(findings([source, replica]), "FERPA-ENC-01", replica)
    assert verdict.status is status, verdict.message
    assert "records-db" in verdict.message


def test_restore_from_a_snapshot_of_the_stack_takes_the_databases_encryption() -> None:
    kms = key()
    source = res("aws:rds/cluster:Cluster", {"storageEncrypted": True, "kmsKeyId": UNKNOWN}, name="records",
                 id="records", property_dependencies={"kmsKeyId": [kms.urn]})
    snapshot = res("aws:rds/clusterSnapshot:ClusterSnapshot", {"dbClusterIdentifier": "records"},
                   name="nightly", id="records-nightly")
    restored = res("aws:rds/cluster:Cluster", {"snapshotIdentifier": "records-nightly"}, name="restored")
    found = findings([kms, source, snapshot, restored])
    assert one(found, "FERPA-ENC-01", restored).status is Status.PASS
    assert [f.status for f in about(found, "FERPA-ENC-11", restored)] == [Status.PASS]


def test_secret_replica_key_computed_from_a_key_of_the_stack() -> None:
    kms = key()
    secret = res("aws:secretsmanager/secret:Secret",
                 {"kmsKeyId": KEY_ARN, "replicas": [{"region": "us-west-2", "kmsKeyId": UNKNOWN}]},
                 name="db-credentials", property_dependencies={"replicas": [kms.urn]})
    assert one(findings([kms, secret]), "FERPA-ENC-06", secret).status is Status.PASS


def test_stage_access_log_destination_of_the_stack() -> None:
    group = res("aws:cloudwatch/logGroup:LogGroup", {"retentionInDays": 365}, name="access-logs")
    stage = res("aws:apigateway/stage:Stage", {"accessLogSettings": {"destinationArn": UNKNOWN}}, name="v1",
                property_dependencies={"accessLogSettings": [group.urn]})
    assert one(findings([group, stage]), "FERPA-LOG-01", stage).status is Status.PASS


def cache(inputs_mode: str, outputs_mode: str) -> Resource:
    props = {"transitEncryptionEnabled": True, "transitEncryptionMode": inputs_mode}
    return res("aws:elasticache/replicationGroup:ReplicationGroup", props, name="records-cache",
               outputs={**props, "transitEncryptionMode": outputs_mode})


def test_audit_judges_the_deployed_value_and_says_so() -> None:
    drifted = cache("required", "preferred")
    deployed = one(findings([drifted], use_outputs=True, judge_deployed=True), "FERPA-TLS-01", drifted)
    assert deployed.status is Status.FAIL
    assert "judged on the deployed state" in deployed.message and deployed.evidence["judgedOn"] == "outputs"
    as_analyze = one(findings([drifted], use_outputs=True), "FERPA-TLS-01", drifted)
    assert as_analyze.status is Status.PASS
    steady = cache("required", "required")
    assert one(findings([steady], use_outputs=True, judge_deployed=True), "FERPA-TLS-01", steady).status is Status.PASS


def export_with(resource: Resource) -> dict[str, Any]:
    return {"version": 3, "deployment": {"manifest": {"time": "2026-12-01T00:00:00Z", "version": "v3.272.0"},
            "resources": [
                {"urn": "urn:pulumi:dev::records::pulumi:pulumi:Stack::records-dev", "custom": False,
                 "type": "pulumi:pulumi:Stack"},
                {"urn": "urn:pulumi:dev::records::" + resource.type + "::" + resource.name, "custom": True,
                 "type": resource.type, "id": "records-cache", "inputs": dict(resource.props),
                 "outputs": dict(resource.outputs),
                 "parent": "urn:pulumi:dev::records::pulumi:pulumi:Stack::records-dev"}]}}


def test_audit_cli_reports_drift_unless_judge_inputs(tmp_path: Path) -> None:
    path = tmp_path / "drifted.json"
    path.write_text(json.dumps(export_with(cache("required", "preferred"))), encoding="utf-8")

    def audit(*extra: str) -> tuple[int, list[dict[str, Any]]]:
        done = subprocess.run([sys.executable, "-m", "ferpaguard", "audit", str(path), "--format", "json", *extra],
                              cwd=REPO_ROOT, capture_output=True, text=True, timeout=300)
        assert "Traceback" not in done.stderr, done.stderr
        found = json.loads(done.stdout)["findings"]
        return done.returncode, [f for f in found if f["rule_id"] == "FERPA-TLS-01"]

    code, deployed = audit()
    assert code == 1 and [f["status"] for f in deployed] == ["fail"]
    assert "judged on the deployed state" in deployed[0]["message"]
    code, inputs = audit("--judge-inputs")
    assert [f["status"] for f in inputs] == ["pass"]


def test_reference_stack_leaves_only_unknowns_the_stack_cannot_resolve() -> None:
    done = subprocess.run([sys.executable, "-m", "ferpaguard", "gate"], cwd=REPO_ROOT, capture_output=True,
                          text=True, timeout=300, env={"NO_COLOR": "1", "PATH": "/usr/bin:/bin", "COLUMNS": "400"})
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("unknown, and no rule could resolve it"))
    listed = [line.strip() for line in lines[start + 1:] if line.startswith("  ")]
    rules = sorted(line.split()[0] for line in listed)
    # Policy documents built from ARNs: three role policies, the EFS policy and the two bucket policies
    # (each read by the TLS-only and the no-public-grants bucket rules).
    assert rules == ["FERPA-IAM-01", "FERPA-IAM-01", "FERPA-IAM-01", "FERPA-NET-22", "FERPA-NET-22",
                     "FERPA-TLS-08", "FERPA-TLS-20", "FERPA-TLS-20"], listed
    assert all("computed from other resources' outputs" in line for line in listed), listed


def test_a_source_the_stack_holds_twice_leaves_the_replica_unknown_and_says_why() -> None:
    # Two databases with the identifier the replica names (two regions' copies in one export): the
    # replica's inherited encryption cannot be tied to either, and its unknown carries the graph's note.
    sources = [res("aws:rds/instance:Instance", {"storageEncrypted": True, "kmsKeyId": KEY_ARN}, name=name,
                   id="records-src") for name in ("records-src-east", "records-src-west")]
    replica = res("aws:rds/instance:Instance", {"replicateSourceDb": "records-src"}, name="records-replica")
    finding = one(findings([*sources, replica]), "FERPA-ENC-01", replica)
    assert finding.status is Status.UNKNOWN
    assert "match more than one resource" in finding.message
    assert "judged through the source" in finding.message
    assert "more than one resource" in finding.evidence["ambiguousReference"]
    # With one source the stack settles it.
    settled = one(findings([sources[0], replica]), "FERPA-ENC-01", replica)
    assert settled.status is Status.PASS and "resolved by the stack view" in settled.message
