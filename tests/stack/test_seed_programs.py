"""The seed-defect programs under tests/programs/ still carry their defect: the
SDK-misuse ones raise TypeError naming the argument, the others construct under
mocks with the defective value in place (the gate's tests judge the findings)."""

from __future__ import annotations

from pathlib import Path

import pytest
from mock_harness import ROOT, Run, run_program_dir

PROGRAMS = ROOT / "tests" / "programs"
SECRET_SIG = "4dabf18193072939515e22adb298388d"
SECRET_VALUE_SIG = "1b47061264138c4ac30d75fd1eb44270"


def run(name: str) -> Run:
    return run_program_dir(PROGRAMS / name, {}, project=f"seed-{name}")


def test_every_program_directory_is_a_pulumi_python_project() -> None:
    directories = sorted(p for p in PROGRAMS.iterdir() if p.is_dir() and not p.name.startswith(("_", ".")))
    seed_programs = {"target_arns", "deployment_stage_name", "vpclink_to_alb", "http_proxy_public_alb",
                     "unencrypted_redis", "public_aurora", "missing_flow_logs", "plaintext_db_password",
                     "no_backups", "wildcard_iam"}
    assert seed_programs <= {d.name for d in directories}
    for directory in directories:
        project = (directory / "Pulumi.yaml").read_text()
        assert "runtime:" in project and "name: python" in project, directory.name
        assert (directory / "__main__.py").is_file(), directory.name


@pytest.mark.parametrize(
    ("name", "argument", "resource"),
    [("target_arns", "target_arns", "VpcLink"), ("deployment_stage_name", "stage_name", "Deployment")],
)
def test_sdk_misuse_raises_type_error_naming_the_argument(name: str, argument: str, resource: str) -> None:
    with pytest.raises(
        TypeError, match=rf"{resource}\._internal_init\(\) got an unexpected keyword argument '{argument}'"
    ):
        run(name)


def test_vpclink_to_alb_targets_an_application_load_balancer() -> None:
    program = run("vpclink_to_alb")
    load_balancer = program.one("aws:lb/loadBalancer:LoadBalancer")
    assert load_balancer.inputs["loadBalancerType"] == "application"
    assert program.one("aws:apigateway/vpcLink:VpcLink").inputs["targetArn"] == load_balancer.outputs["arn"]


def test_http_proxy_public_alb_is_the_seeds_fix() -> None:
    program = run("http_proxy_public_alb")
    integration = program.one("aws:apigateway/integration:Integration").inputs
    assert integration["type"] == "HTTP_PROXY" and "connectionType" not in integration
    assert integration["uri"].startswith("http://")
    assert program.one("aws:lb/loadBalancer:LoadBalancer").inputs["internal"] is False
    listener = program.one("aws:lb/listener:Listener").inputs
    assert (listener["protocol"], listener["port"]) == ("HTTP", 80)
    (ingress,) = program.one("aws:ec2/securityGroup:SecurityGroup").inputs["ingress"]
    assert (ingress["fromPort"], ingress["cidrBlocks"]) == (80, ["0.0.0.0/0"])


def test_unencrypted_redis_sets_no_encryption() -> None:
    group = run("unencrypted_redis").one("aws:elasticache/replicationGroup:ReplicationGroup").inputs
    for absent in ("atRestEncryptionEnabled", "transitEncryptionEnabled", "kmsKeyId", "authToken"):
        assert absent not in group


def test_public_aurora_is_unencrypted_and_publicly_accessible() -> None:
    program = run("public_aurora")
    assert "storageEncrypted" not in program.one("aws:rds/cluster:Cluster").inputs
    assert program.one("aws:rds/clusterInstance:ClusterInstance").inputs["publiclyAccessible"] is True


def test_missing_flow_logs_has_a_vpc_and_no_flow_log() -> None:
    program = run("missing_flow_logs")
    assert program.one("aws:ec2/vpc:Vpc")
    assert not program.of_type("aws:ec2/flowLog:FlowLog")


def test_plaintext_db_password_reaches_the_engine_wrapped_as_a_secret_by_the_sdk() -> None:
    """pulumi-aws marks master_password secret itself, so on the wire a literal looks like a config secret:
    only the program's source (or the plaintext value under mocks) shows it was typed into the program."""
    cluster = run("plaintext_db_password").one("aws:rds/cluster:Cluster").inputs
    password = cluster["masterPassword"]
    assert isinstance(password, dict) and password.get(SECRET_SIG) == SECRET_VALUE_SIG
    assert password["value"] == "hunter2-plain"
    assert "manageMasterUserPassword" not in cluster


def test_no_backups_keeps_one_day() -> None:
    assert run("no_backups").one("aws:rds/cluster:Cluster").inputs["backupRetentionPeriod"] == 1


def test_wildcard_iam_allows_everything() -> None:
    policy = run("wildcard_iam").one("aws:iam/rolePolicy:RolePolicy").inputs["policy"]
    assert '"Action": "*", "Resource": "*"' in policy


def test_programs_are_independent_of_the_working_directory(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert run("no_backups").one("aws:rds/cluster:Cluster")
