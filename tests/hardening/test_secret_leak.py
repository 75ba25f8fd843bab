"""One marker secret in every position a stack can hold one; it must appear in no
output file (every format, the signed bundle), on no stdout and no stderr, for
`gate` (a real Pulumi program, tests/hardening/programs/leaky) and for `audit`
(an export with ciphertext and `--show-secrets` plaintext secrets)."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from ferpaguard.evidence import FORMATS
from policies.values import SECRET_SIG, SIG_KEY
from tests.hardening.cli_runner import REPO_ROOT, Done, assert_kept_promise, run_subprocess

MARKER = "LEAK-MARKER-7c1e9a"
LEAKY_PROGRAM = REPO_ROOT / "tests" / "hardening" / "programs" / "leaky"
SEED_EXPORT = REPO_ROOT / "tests" / "fixtures" / "exports" / "seed_broken.json"
ALL_FORMATS = FORMATS
"""Every registered writer (ferpaguard.evidence.WRITERS): a new output format is covered without editing here."""


def plaintext(value: Any) -> dict[str, str]:
    """The `pulumi stack export --show-secrets` form: the value JSON-encoded in `plaintext`."""
    return {SIG_KEY: SECRET_SIG, "plaintext": json.dumps(value)}


def ciphertext() -> dict[str, str]:
    return {SIG_KEY: SECRET_SIG, "ciphertext": f"v1:{MARKER}:bm90IHJlYWxseSBlbmNyeXB0ZWQ="}


ADMIN_POLICY = {"Version": "2012-10-17", "Statement": [
    {"Sid": f"Admin{MARKER.replace('-', '')}", "Effect": "Allow", "Action": "*", "Resource": "*"}]}
OPEN_KEY_POLICY = {"Version": "2012-10-17", "Statement": [
    {"Sid": f"Open{MARKER.replace('-', '')}", "Effect": "Allow", "Principal": "*", "Action": "kms:*", "Resource": "*"}]}
BY_TYPE: dict[str, dict[str, Any]] = {
    "aws:rds/cluster:Cluster": {
        "masterPassword": plaintext(MARKER), "kmsKeyId": plaintext(f"alias/aws/rds-{MARKER}"),
        "storageEncrypted": plaintext(False), "enabledCloudwatchLogsExports": plaintext([f"audit-{MARKER}"]),
        "backupRetentionPeriod": plaintext(1), "engine": plaintext(f"mysql-{MARKER}")},
    "aws:apigateway/vpcLink:VpcLink": {
        "targetArn": plaintext(f"arn:aws:elasticloadbalancing:us-east-1:1:loadbalancer/app/{MARKER}/1")},
    "aws:elasticache/replicationGroup:ReplicationGroup": {
        "authToken": ciphertext(), "transitEncryptionMode": plaintext(f"preferred-{MARKER}"),
        "kmsKeyId": plaintext(f"alias/aws/elasticache-{MARKER}")},
    "aws:iam/policy:Policy": {"policy": plaintext(json.dumps(ADMIN_POLICY))},
    "aws:iam/rolePolicy:RolePolicy": {"policy": plaintext(json.dumps(ADMIN_POLICY))},
    "aws:kms/key:Key": {"policy": plaintext(json.dumps(OPEN_KEY_POLICY)), "enableKeyRotation": plaintext(False)},
    "aws:ecs/taskDefinition:TaskDefinition": {
        "containerDefinitions": plaintext(json.dumps([{"name": "api", "image": f"api:{MARKER}", "environment": [
            {"name": "DB_PASSWORD", "value": MARKER}]}])),
        "volumes": [{"name": plaintext(f"files-{MARKER}"),
                     "efsVolumeConfiguration": {"fileSystemId": "fs-1", "transitEncryption": plaintext(MARKER)}}]},
    "aws:lb/loadBalancer:LoadBalancer": {"name": plaintext(MARKER), "internal": plaintext(False)},
    "aws:lb/listener:Listener": {"sslPolicy": plaintext(MARKER), "certificateArn": ciphertext()},
    "aws:apigateway/integration:Integration": {"uri": plaintext(f"http://{MARKER}.example.edu")},
    "aws:ec2/securityGroup:SecurityGroup": {"description": ciphertext(), "ingress": [
        {"protocol": "tcp", "fromPort": 22, "toPort": 22, "cidrBlocks": [plaintext("0.0.0.0/0")],
         "description": plaintext(MARKER)}]},
    "aws:cloudwatch/logGroup:LogGroup": {"kmsKeyId": plaintext(f"alias/aws/logs-{MARKER}"),
                                         "retentionInDays": plaintext(1)},
    "aws:secretsmanager/secretVersion:SecretVersion": {"secretString": plaintext(MARKER)},
}


def leaky_export() -> dict[str, Any]:
    document = copy.deepcopy(json.loads(SEED_EXPORT.read_text()))
    for resource in document["deployment"]["resources"]:
        if resource["type"] == "pulumi:pulumi:Stack":
            resource["outputs"] = {"dbPassword": plaintext(MARKER), "token": ciphertext(),
                                   "nested": {"list": [plaintext(MARKER)], "map": {"deep": plaintext({"k": MARKER})}}}
            continue
        for side in ("inputs", "outputs"):
            values = resource.setdefault(side, {})
            values["tags"] = {**values.get("tags", {}), "Owner": plaintext(f"owner-{MARKER}"), "Key": ciphertext()}
            values["secretList"] = [plaintext(MARKER), ciphertext(), {"inner": plaintext([MARKER])}]
            values["nestedMap"] = {"a": {"b": plaintext({"c": [MARKER]})}}
            values.update(copy.deepcopy(BY_TYPE.get(resource["type"], {})))
    return document


def assert_no_marker(done: Done, output_dir: Path | None = None) -> None:
    assert_kept_promise(done)
    assert MARKER not in done.stdout, "marker on stdout"
    assert MARKER not in done.stderr, "marker on stderr"
    if output_dir is None:
        return
    written = [p for p in output_dir.rglob("*") if p.is_file()]
    assert len(written) >= len(ALL_FORMATS) + 2, sorted(p.name for p in written)
    assert any(p.name == "manifest.json" for p in written), "no bundle manifest"
    for path in written:
        assert MARKER.encode() not in path.read_bytes(), f"marker in {path.relative_to(output_dir)}"


def all_formats(output_dir: Path) -> list[str]:
    return ["--output-dir", str(output_dir), "--bundle", "--show-passed", "--with-checkov",
            *(a for f in ALL_FORMATS for a in ("--format", f))]


@pytest.fixture(scope="module")
def export_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("leak") / "leaky-export.json"
    path.write_text(json.dumps(leaky_export()))
    assert path.read_text().count(MARKER) > 100
    return path


def test_the_program_really_holds_the_marker() -> None:
    source = (LEAKY_PROGRAM / "__main__.py").read_text() + (LEAKY_PROGRAM / "Pulumi.dev.yaml").read_text()
    assert source.count(MARKER) >= 3 and "require_secret" in source


def test_gate_leaks_nothing_in_any_format(tmp_path: Path) -> None:
    done = run_subprocess("gate", str(LEAKY_PROGRAM), *all_formats(tmp_path / "out"))
    assert done.code == 1, done.stderr
    assert_no_marker(done, tmp_path / "out")


@pytest.mark.parametrize("extra", [[], ["--show-passed"]], ids=["json", "json-show-passed"])
def test_gate_leaks_nothing_on_stdout(extra: list[str]) -> None:
    done = run_subprocess("gate", str(LEAKY_PROGRAM), "--format", "json", *extra)
    assert done.code == 1
    json.loads(done.stdout)
    assert_no_marker(done)


def test_gate_table_leaks_nothing() -> None:
    done = run_subprocess("gate", str(LEAKY_PROGRAM), "--show-passed")
    assert done.code == 1
    assert_no_marker(done)


def test_audit_leaks_nothing_in_any_format(tmp_path: Path, export_file: Path) -> None:
    done = run_subprocess("audit", str(export_file), *all_formats(tmp_path / "out"))
    assert done.code == 1, done.stderr
    assert_no_marker(done, tmp_path / "out")


@pytest.mark.parametrize("extra", [["--format", "json"], ["--format", "json", "--show-passed"], ["--show-passed"]],
                         ids=["json", "json-show-passed", "table"])
def test_audit_leaks_nothing_on_stdout(export_file: Path, extra: list[str]) -> None:
    done = run_subprocess("audit", str(export_file), *extra)
    assert done.code == 1
    assert_no_marker(done)
