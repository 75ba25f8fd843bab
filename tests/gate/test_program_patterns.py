"""Patterns of public Pulumi programs (tests/programs/<pattern>/) that must reach a verdict offline."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import pytest

from ferpaguard.sources import ProgramRun, run_program
from policies.model import Resource
from policies.values import UNKNOWN_STRING

PROGRAMS = Path(__file__).resolve().parents[1] / "programs"
PATTERNS = ["resource_reference", "data_sources", "dict_policy_inputs", "remote_component"]
VERDICT_GUARD_SECONDS = 10.0
"""A generous guard against hangs (each runs in about 2 s), not a benchmark."""


def gate_json(program: Path, *args: str) -> tuple[subprocess.CompletedProcess[str], float]:
    begin = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-m", "ferpaguard", "gate", str(program), "--format", "json", *args],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    return done, time.monotonic() - begin


def one(run: ProgramRun, type_: str, name: str) -> Resource:
    (found,) = [r for r in run.resources if r.type == type_ and r.name == name]
    return found


@pytest.mark.parametrize("pattern", PATTERNS)
def test_pattern_reaches_a_verdict(pattern: str) -> None:
    done, seconds = gate_json(PROGRAMS / pattern)
    assert done.returncode in (0, 1), done.stderr
    assert seconds < VERDICT_GUARD_SECONDS
    assert json.loads(done.stdout)["findings"]


@pytest.fixture(scope="module")
def references() -> ProgramRun:
    return run_program(PROGRAMS / "resource_reference")


def test_a_resource_given_as_an_input_arrives_as_its_unknown_id(references: ProgramRun) -> None:
    role = one(references, "aws:iam/role:Role", "worker")
    attachment = one(references, "aws:iam/rolePolicyAttachment:RolePolicyAttachment", "worker-logs")
    assert attachment.props["role"] == UNKNOWN_STRING
    assert attachment.property_dependencies["role"] == (role.urn,)
    permission = one(references, "aws:lambda/permission:Permission", "invoke")
    assert permission.props["function"] == UNKNOWN_STRING
    vpc = one(references, "aws:ec2/vpc:Vpc", "net")
    for type_, name in (("aws:ec2/securityGroup:SecurityGroup", "app"), ("aws:ec2/subnet:Subnet", "private")):
        resource = one(references, type_, name)
        assert resource.props["vpcId"] == UNKNOWN_STRING
        assert resource.property_dependencies["vpcId"] == (vpc.urn,)


def test_a_component_given_as_an_input_arrives_as_its_urn(tmp_path: Path) -> None:
    (tmp_path / "Pulumi.yaml").write_text("name: refs\nruntime: python\n")
    (tmp_path / "__main__.py").write_text(
        "import pulumi\nimport pulumi_aws as aws\n"
        "net = pulumi.ComponentResource('acme:index:Net', 'net')\n"
        "aws.s3.Bucket('b', bucket_prefix=net)\n"
    )
    run = run_program(tmp_path)
    bucket = one(run, "aws:s3/bucket:Bucket", "b")
    assert bucket.props["bucketPrefix"] == "urn:pulumi:dev::refs::acme:index:Net::net"


@pytest.fixture(scope="module")
def data_sources() -> ProgramRun:
    return run_program(PROGRAMS / "data_sources")


def test_data_sources_answer_with_plausible_values(data_sources: ProgramRun) -> None:
    instance = one(data_sources, "aws:ec2/instance:Instance", "web")
    assert instance.props["ami"].startswith("ami-")
    assert instance.props["subnetId"].startswith("subnet-")
    assert instance.props["availabilityZone"] == "us-east-1b"
    group = one(data_sources, "aws:ec2/securityGroup:SecurityGroup", "web")
    assert group.props["vpcId"].startswith("vpc-") and group.props["description"] == "web in us-east-1"
    record = one(data_sources, "aws:route53/record:Record", "www")
    assert record.props["zoneId"].startswith("Z") and record.props["name"] == "www.example.org"
    assert data_sources.stack_outputs == {"account": "123456789012", "partition": "aws"}


def test_an_undescribed_data_source_fills_every_declared_field(data_sources: ProgramRun) -> None:
    topic = one(data_sources, "aws:sns/topic:Topic", "uploads")
    assert topic.props["kmsMasterKeyId"].startswith("arn:aws:kms:us-east-1:123456789012:")


def test_a_policy_document_over_an_unknown_value_keeps_it_unknown(data_sources: ProgramRun) -> None:
    plain = json.loads(one(data_sources, "aws:iam/policy:Policy", "read-uploads").props["policy"])
    assert plain["Statement"] == [{"Effect": "Allow", "Action": ["s3:GetObject"], "Resource": [UNKNOWN_STRING]}]
    # The SDK itself does not call an output-form data source whose arguments are unknown.
    assert one(data_sources, "aws:iam/policy:Policy", "list-uploads").props["policy"] == UNKNOWN_STRING


def test_dict_policy_documents_are_accepted_and_evaluated() -> None:
    done, _ = gate_json(PROGRAMS / "dict_policy_inputs")
    findings = json.loads(done.stdout)["findings"]
    wildcard = [f for f in findings if f["rule_id"] == "FERPA-IAM-01" and f["resource_name"] == "task-everything"]
    assert [f["status"] for f in wildcard] == ["fail"]


def test_a_remote_component_is_reported_as_not_checked_offline() -> None:
    run = run_program(PROGRAMS / "remote_component")
    urn = "urn:pulumi:dev::pattern-remote-component::eks:index:Cluster::records"
    assert run.remote_components == (urn,)
    (note,) = [n for n in run.notes if n.startswith(urn)]
    assert "status is unknown" in note and "pulumi preview --policy-pack" in note
    # Its outputs come from the provider plugin: unknown, never the inputs echoed back.
    assert run.stack_outputs["kubeconfig"] == UNKNOWN_STRING
    done, _ = gate_json(PROGRAMS / "remote_component")
    assert note in json.loads(done.stdout)["notes"]
