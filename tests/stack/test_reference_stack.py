"""The reference stack under Pulumi's mocks: what FERPA needs of it, asserted on
the inputs every resource was registered with."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from typing import Any

import pytest
from mock_harness import (
    REFERENCE_CONFIG,
    REFERENCE_SECRET_KEYS,
    ROOT,
    Registered,
    Run,
    run_under_mocks,
)

from stack import app, config

SUFFIX = REFERENCE_CONFIG["ferpaguard-reference:environmentSuffix"]
TOKEN = REFERENCE_CONFIG["ferpaguard-reference:redisAuthToken"]
SECRET_SIG = "4dabf18193072939515e22adb298388d"
TLS12_POLICIES = {"ELBSecurityPolicy-TLS13-1-2-2021-06", "ELBSecurityPolicy-TLS13-1-3-2021-06"}


@pytest.fixture(scope="module")
def stack() -> Run:
    return run_under_mocks(lambda: app.build(config.load()), REFERENCE_CONFIG, REFERENCE_SECRET_KEYS)


@pytest.fixture(scope="module")
def key_arns(stack: Run) -> set[str]:
    return {key.outputs["arn"] for key in stack.of_type("aws:kms/key:Key")}


def is_secret(value: Any) -> bool:
    return isinstance(value, dict) and SECRET_SIG in value


def without_secrets(value: Any) -> Any:
    if is_secret(value):
        return "<secret>"
    if isinstance(value, dict):
        return {k: without_secrets(v) for k, v in value.items()}
    if isinstance(value, list):
        return [without_secrets(v) for v in value]
    return value


def statements(policy: str) -> list[dict[str, Any]]:
    found = json.loads(policy)["Statement"]
    return found if isinstance(found, list) else [found]


def ids(resources: list[Registered]) -> set[str]:
    return {r.id for r in resources}


def subnets_of_tier(stack: Run, tier: str) -> list[Registered]:
    return [s for s in stack.of_type("aws:ec2/subnet:Subnet") if s.inputs["tags"]["Tier"] == tier]


def ingress_rules(stack: Run) -> Iterator[tuple[str, dict[str, Any]]]:
    for group in stack.of_type("aws:ec2/securityGroup:SecurityGroup"):
        for rule in group.inputs.get("ingress", []):
            yield group.name, rule


# ------------------------------------------------------------------ at rest


def test_every_data_store_is_encrypted_with_a_key_of_the_stack(stack: Run, key_arns: set[str]) -> None:
    cluster = stack.one("aws:rds/cluster:Cluster")
    redis = stack.one("aws:elasticache/replicationGroup:ReplicationGroup")
    stream = stack.one("aws:kinesis/stream:Stream")
    file_system = stack.one("aws:efs/fileSystem:FileSystem")
    secret = stack.one("aws:secretsmanager/secret:Secret")
    sse_type = "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration"
    by_default = {
        sse.name: sse.inputs["rules"][0]["applyServerSideEncryptionByDefault"] for sse in stack.of_type(sse_type)
    }

    assert cluster.inputs["storageEncrypted"] is True
    assert redis.inputs["atRestEncryptionEnabled"] is True
    assert stream.inputs["encryptionType"] == "KMS"
    assert file_system.inputs["encrypted"] is True
    # S3 server access logs are delivered only to SSE-S3 buckets: the access-log bucket is the one exception.
    assert {name: rule["sseAlgorithm"] for name, rule in by_default.items() if rule["sseAlgorithm"] != "aws:kms"} == {
        f"ferpa-access-log-bucket-sse-{SUFFIX}": "AES256"}
    references = {
        "aurora storage": cluster.inputs["kmsKeyId"],
        "aurora master secret": cluster.inputs["masterUserSecretKmsKeyId"],
        "redis": redis.inputs["kmsKeyId"],
        "kinesis": stream.inputs["kmsKeyId"],
        "efs": file_system.inputs["kmsKeyId"],
        "secret": secret.inputs["kmsKeyId"],
        **{f"bucket {name}": rule["kmsMasterKeyId"] for name, rule in by_default.items() if "kmsMasterKeyId" in rule},
        "backup vault": stack.one("aws:backup/vault:Vault").inputs["kmsKeyArn"],
        "trail": stack.one("aws:cloudtrail/trail:Trail").inputs["kmsKeyId"],
    }
    for instance in stack.of_type("aws:rds/clusterInstance:ClusterInstance"):
        references[f"performance insights of {instance.name}"] = instance.inputs["performanceInsightsKmsKeyId"]
    for group in stack.of_type("aws:cloudwatch/logGroup:LogGroup"):
        references[f"log group {group.name}"] = group.inputs["kmsKeyId"]
    outside = {what: ref for what, ref in references.items() if ref not in key_arns}
    assert not outside, f"encrypted with keys that are not the stack's: {outside}"


def test_each_data_service_has_its_own_key(stack: Run) -> None:
    used = [
        stack.one("aws:rds/cluster:Cluster").inputs["kmsKeyId"],
        stack.one("aws:elasticache/replicationGroup:ReplicationGroup").inputs["kmsKeyId"],
        stack.one("aws:kinesis/stream:Stream").inputs["kmsKeyId"],
        stack.one("aws:efs/fileSystem:FileSystem").inputs["kmsKeyId"],
        stack.one("aws:secretsmanager/secret:Secret").inputs["kmsKeyId"],
    ]
    assert len(set(used)) == len(used)


def test_keys_rotate_and_name_every_principal_they_allow(stack: Run) -> None:
    keys = stack.of_type("aws:kms/key:Key")
    assert len(keys) >= 5
    for key in keys:
        assert key.inputs["enableKeyRotation"] is True, key.name
        for statement in statements(key.inputs["policy"]):
            if statement["Effect"] != "Allow":
                continue
            principal = statement["Principal"]
            assert principal != "*" and "*" not in principal.values(), f"{key.name}: {statement}"
            if "AWS" in principal:
                assert principal["AWS"] == "arn:aws:iam::123456789012:root"
            else:
                assert "Condition" in statement, f"{key.name}: service grant without a condition"


# ------------------------------------------------------------------ in transit


def test_redis_requires_tls_and_an_auth_token_held_as_a_secret(stack: Run) -> None:
    redis = stack.one("aws:elasticache/replicationGroup:ReplicationGroup")
    assert redis.inputs["transitEncryptionEnabled"] is True
    assert redis.inputs["transitEncryptionMode"] == "required"
    assert is_secret(redis.inputs["authToken"])
    version = stack.one("aws:secretsmanager/secretVersion:SecretVersion")
    assert is_secret(version.inputs["secretString"])
    assert version.inputs["secretId"] == stack.one("aws:secretsmanager/secret:Secret").id


def test_the_token_appears_nowhere_outside_secret_values(stack: Run) -> None:
    for resource in stack.resources:
        assert TOKEN not in json.dumps(without_secrets(resource.inputs), default=str), resource.name


def test_nlb_listener_is_tls12_with_the_domain_certificate(stack: Run) -> None:
    listener = stack.one("aws:lb/listener:Listener")
    certificate = stack.one("aws:acm/certificate:Certificate")
    validation = stack.one("aws:acm/certificateValidation:CertificateValidation")
    assert (listener.inputs["protocol"], listener.inputs["port"]) == ("TLS", 443)
    assert listener.inputs["sslPolicy"] in TLS12_POLICIES
    assert listener.inputs["certificateArn"] == certificate.outputs["arn"]
    assert validation.inputs["certificateArn"] == certificate.outputs["arn"]
    assert certificate.inputs["domainName"] == REFERENCE_CONFIG["ferpaguard-reference:domainName"]
    assert certificate.inputs["validationMethod"] == "DNS"


def test_aurora_forces_ssl_through_its_parameter_group(stack: Run) -> None:
    cluster = stack.one("aws:rds/cluster:Cluster")
    group = stack.one("aws:rds/clusterParameterGroup:ClusterParameterGroup")
    assert cluster.inputs["dbClusterParameterGroupName"] == group.inputs["name"]
    assert {"name": "rds.force_ssl", "value": "1"} in group.inputs["parameters"]


def test_efs_is_mounted_over_tls_with_iam_and_denies_plaintext(stack: Run) -> None:
    file_system = stack.one("aws:efs/fileSystem:FileSystem")
    access_point = stack.one("aws:efs/accessPoint:AccessPoint")
    (volume,) = stack.one("aws:ecs/taskDefinition:TaskDefinition").inputs["volumes"]
    efs = volume["efsVolumeConfiguration"]
    assert efs["fileSystemId"] == file_system.id
    assert efs["transitEncryption"] == "ENABLED"
    assert efs["authorizationConfig"] == {"accessPointId": access_point.id, "iam": "ENABLED"}
    policy = stack.one("aws:efs/fileSystemPolicy:FileSystemPolicy")
    assert policy.inputs["fileSystemId"] == file_system.id
    denies = [s for s in statements(policy.inputs["policy"]) if s["Effect"] == "Deny"]
    assert any(s["Condition"] == {"Bool": {"aws:SecureTransport": "false"}} for s in denies)


# ------------------------------------------------------------------ private tier


def test_only_public_subnets_map_public_ips(stack: Run) -> None:
    subnets = stack.of_type("aws:ec2/subnet:Subnet")
    assert len(subnets) == 6
    for subnet in subnets:
        assert subnet.inputs["mapPublicIpOnLaunch"] is (subnet.inputs["tags"]["Tier"] == "public"), subnet.name
    zones = {s.inputs["availabilityZone"] for s in subnets_of_tier(stack, "data")}
    assert zones == {"us-east-1a", "us-east-1b"}


def test_only_the_public_route_table_reaches_the_internet_gateway(stack: Run) -> None:
    gateway = stack.one("aws:ec2/internetGateway:InternetGateway")
    to_gateway = {r.inputs["routeTableId"] for r in stack.of_type("aws:ec2/route:Route") if "gatewayId" in r.inputs}
    assert {r.inputs["gatewayId"] for r in stack.of_type("aws:ec2/route:Route") if "gatewayId" in r.inputs} == {
        gateway.id
    }
    associations = {
        a.inputs["subnetId"]: a.inputs["routeTableId"]
        for a in stack.of_type("aws:ec2/routeTableAssociation:RouteTableAssociation")
    }
    for tier in ("private", "data"):
        for subnet in subnets_of_tier(stack, tier):
            assert associations[subnet.id] not in to_gateway, subnet.name
    for subnet in subnets_of_tier(stack, "public"):
        assert associations[subnet.id] in to_gateway
    nat_tables = {r.inputs["routeTableId"] for r in stack.of_type("aws:ec2/route:Route") if "natGatewayId" in r.inputs}
    assert {associations[s.id] for s in subnets_of_tier(stack, "private")} == nat_tables
    assert len(stack.of_type("aws:ec2/natGateway:NatGateway")) == 2


def test_data_stores_live_in_data_subnets_and_services_in_private_ones(stack: Run) -> None:
    data = ids(subnets_of_tier(stack, "data"))
    private = ids(subnets_of_tier(stack, "private"))
    assert set(stack.one("aws:rds/subnetGroup:SubnetGroup").inputs["subnetIds"]) == data
    assert set(stack.one("aws:elasticache/subnetGroup:SubnetGroup").inputs["subnetIds"]) == data
    assert {m.inputs["subnetId"] for m in stack.of_type("aws:efs/mountTarget:MountTarget")} == private
    network = stack.one("aws:ecs/service:Service").inputs["networkConfiguration"]
    assert set(network["subnets"]) == private
    assert network["assignPublicIp"] is False
    assert set(stack.one("aws:lb/loadBalancer:LoadBalancer").inputs["subnets"]) == private


def test_no_database_instance_is_publicly_accessible(stack: Run) -> None:
    instances = stack.of_type("aws:rds/clusterInstance:ClusterInstance")
    assert len(instances) == 2
    assert all(i.inputs["publiclyAccessible"] is False for i in instances)


def test_no_security_group_admits_the_internet(stack: Run) -> None:
    rules = list(ingress_rules(stack))
    assert rules
    for group, rule in rules:
        assert not {"0.0.0.0/0"} & set(rule.get("cidrBlocks", [])), group
        assert not {"::/0"} & set(rule.get("ipv6CidrBlocks", [])), group


def test_data_tier_security_groups_admit_only_the_app(stack: Run) -> None:
    groups = {g.name: g for g in stack.of_type("aws:ec2/securityGroup:SecurityGroup")}
    app_group = groups[f"student-app-sg-{SUFFIX}"]
    for name, port in (("student-db-sg", 5432), ("student-cache-sg", 6379), ("student-efs-sg", 2049)):
        (rule,) = groups[f"{name}-{SUFFIX}"].inputs["ingress"]
        assert rule["securityGroups"] == [app_group.id]
        assert (rule["fromPort"], rule["toPort"]) == (port, port)
    (app_rule,) = app_group.inputs["ingress"]
    assert app_rule["securityGroups"] == [groups[f"student-nlb-sg-{SUFFIX}"].id]


# ------------------------------------------------------------------ API path


def test_api_reaches_an_internal_nlb_only_through_the_vpc_link(stack: Run) -> None:
    load_balancer = stack.one("aws:lb/loadBalancer:LoadBalancer")
    link = stack.one("aws:apigateway/vpcLink:VpcLink")
    integration = stack.one("aws:apigateway/integration:Integration")
    assert load_balancer.inputs["loadBalancerType"] == "network"
    assert load_balancer.inputs["internal"] is True
    assert link.inputs["targetArn"] == load_balancer.outputs["arn"]
    assert ":loadbalancer/net/" in link.inputs["targetArn"]
    assert integration.inputs["type"] == "HTTP_PROXY"
    assert integration.inputs["connectionType"] == "VPC_LINK"
    assert integration.inputs["connectionId"] == link.id
    assert integration.inputs["uri"] == "https://students-api.qa.example.edu/students"


def test_stage_is_separate_access_logged_waf_protected_and_without_data_trace(stack: Run) -> None:
    deployment = stack.one("aws:apigateway/deployment:Deployment")
    stage = stack.one("aws:apigateway/stage:Stage")
    assert "stageName" not in deployment.inputs
    assert stage.inputs["deployment"] == deployment.id
    log_group_arns = {g.outputs["arn"] for g in stack.of_type("aws:cloudwatch/logGroup:LogGroup")}
    assert stage.inputs["accessLogSettings"]["destinationArn"] in log_group_arns
    settings = stack.one("aws:apigateway/methodSettings:MethodSettings").inputs["settings"]
    assert settings["dataTraceEnabled"] is False
    association = stack.one("aws:wafv2/webAclAssociation:WebAclAssociation")
    assert association.inputs["resourceArn"] == stage.outputs["arn"]
    assert association.inputs["webAclArn"] == stack.one("aws:wafv2/webAcl:WebAcl").outputs["arn"]
    assert stack.one("aws:apigateway/method:Method").inputs["authorization"] == "AWS_IAM"


# ------------------------------------------------------------------ logging, identity, resilience


def test_audit_logs_are_kept_a_year_and_cover_the_vpc_and_the_account(stack: Run) -> None:
    for group in stack.of_type("aws:cloudwatch/logGroup:LogGroup"):
        assert group.inputs["retentionInDays"] >= 365, group.name
    flow_log = stack.one("aws:ec2/flowLog:FlowLog")
    assert flow_log.inputs["vpcId"] == stack.one("aws:ec2/vpc:Vpc").id
    trail = stack.one("aws:cloudtrail/trail:Trail")
    assert trail.inputs["enableLogFileValidation"] is True
    assert trail.inputs["isMultiRegionTrail"] is True
    for block in stack.of_type("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock"):
        flags = ("blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets")
        assert all(block.inputs[k] is True for k in flags), block.name
    trail_bucket = stack.one("aws:s3/bucketLogging:BucketLogging").inputs
    assert trail_bucket["bucket"] != trail_bucket["targetBucket"]
    assert stack.one("aws:rds/cluster:Cluster").inputs["enabledCloudwatchLogsExports"] == ["postgresql"]


def test_database_credentials_are_managed_by_rds(stack: Run) -> None:
    cluster = stack.one("aws:rds/cluster:Cluster").inputs
    assert cluster["manageMasterUserPassword"] is True
    assert "masterPassword" not in cluster
    assert cluster["iamDatabaseAuthenticationEnabled"] is True


def test_no_iam_policy_allows_everything(stack: Run) -> None:
    for policy in stack.of_type("aws:iam/rolePolicy:RolePolicy"):
        for statement in statements(policy.inputs["policy"]):
            actions = statement["Action"] if isinstance(statement["Action"], list) else [statement["Action"]]
            assert "*" not in actions and not any(a.endswith(":*") for a in actions), policy.name


def test_aurora_and_efs_are_backed_up_to_a_vault_of_their_own(stack: Run) -> None:
    selection = stack.one("aws:backup/selection:Selection").inputs
    assert set(selection["resources"]) == {stack.one("aws:rds/cluster:Cluster").outputs["arn"],
                                           stack.one("aws:efs/fileSystem:FileSystem").outputs["arn"]}
    rule = stack.one("aws:backup/plan:Plan").inputs["rules"][0]
    assert rule["targetVaultName"] == stack.one("aws:backup/vault:Vault").inputs["name"]
    assert rule["lifecycle"]["deleteAfter"] >= 35


def test_aurora_serverless_v2_and_redis_survive_an_az_failure(stack: Run) -> None:
    cluster = stack.one("aws:rds/cluster:Cluster").inputs
    assert (cluster["engine"], cluster["engineMode"]) == ("aurora-postgresql", "provisioned")
    assert cluster["serverlessv2ScalingConfiguration"]["minCapacity"] >= 0.5
    assert cluster["backupRetentionPeriod"] >= 7
    assert cluster["deletionProtection"] is True
    instances = stack.of_type("aws:rds/clusterInstance:ClusterInstance")
    assert {i.inputs["instanceClass"] for i in instances} == {"db.serverless"}
    assert len({i.inputs["availabilityZone"] for i in instances}) == 2
    redis = stack.one("aws:elasticache/replicationGroup:ReplicationGroup").inputs
    assert redis["multiAzEnabled"] is True and redis["automaticFailoverEnabled"] is True
    assert redis["numCacheClusters"] == 2
    assert redis["snapshotRetentionLimit"] >= 1


# ------------------------------------------------------------------ naming


def test_every_resource_name_and_name_tag_carries_the_suffix(stack: Run) -> None:
    for resource in stack.resources:
        assert resource.name.endswith(f"-{SUFFIX}"), resource.name
        tags = resource.inputs.get("tags")
        if tags:
            assert tags["Environment"] == SUFFIX
            assert tags["Name"].endswith(f"-{SUFFIX}"), resource.name
        if resource.type == "aws:route53/record:Record":
            continue  # its `name` is a DNS name in the configured domain
        for key in ("name", "clusterIdentifier", "replicationGroupId", "identifier", "bucketPrefix"):
            if isinstance(resource.inputs.get(key), str):
                assert SUFFIX in resource.inputs[key], f"{resource.name}.{key}"


def test_the_only_provider_call_is_the_caller_identity(stack: Run) -> None:
    assert set(stack.invokes) == {"aws:index/getCallerIdentity:getCallerIdentity"}


# ------------------------------------------------------------------ configuration


@pytest.mark.parametrize(
    ("override", "message"),
    [
        ({"ferpaguard-reference:availabilityZones": '["us-east-1a"]'}, "exactly two availability zones"),
        ({"ferpaguard-reference:logRetentionDays": "30"}, "logRetentionDays must be one of"),
    ],
)
def test_configuration_is_validated(override: dict[str, str], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        run_under_mocks(config.load, {**REFERENCE_CONFIG, **override}, REFERENCE_SECRET_KEYS)


def test_the_domain_and_the_redis_token_are_required() -> None:
    from pulumi.config import ConfigMissingError

    for key in ("ferpaguard-reference:domainName", "ferpaguard-reference:redisAuthToken"):
        partial = {k: v for k, v in REFERENCE_CONFIG.items() if k != key}
        with pytest.raises(ConfigMissingError):
            run_under_mocks(config.load, partial, REFERENCE_SECRET_KEYS)


def test_the_suffix_defaults_to_dev() -> None:
    partial = {k: v for k, v in REFERENCE_CONFIG.items() if k != "ferpaguard-reference:environmentSuffix"}
    assert run_under_mocks(config.load, partial, REFERENCE_SECRET_KEYS).result.environment_suffix == "dev"


# ------------------------------------------------------------------ the CLI's way in

CLI_SCRIPT = """
import json, sys
sys.path.insert(0, sys.argv[1])
import importlib.util
assert importlib.util.find_spec("stack") is None, "the repository root must not be importable beforehand"
import mock_harness as harness
run = harness.run_program_dir(harness.ROOT / "stack", harness.REFERENCE_CONFIG,
                               secret_keys=harness.REFERENCE_SECRET_KEYS)
print(json.dumps({"resources": len(run.resources), "package": sys.modules["stack"].__file__}))
"""


def test_the_program_directory_runs_as_the_pulumi_cli_runs_it() -> None:
    """`main: stack/`: the CLI's Python host runs the directory with runpy, cwd stack/, repo root not on sys.path."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    done = subprocess.run(
        [sys.executable, "-c", CLI_SCRIPT, str(ROOT / "tests" / "stack")],
        cwd=ROOT / "stack",
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    report = json.loads(done.stdout.strip().splitlines()[-1])
    assert report["package"] == str(ROOT / "stack" / "__init__.py")
    assert report["resources"] > 100


# ------------------------------------------------------------------ the pack


def test_every_rule_of_the_pack_passes_once_values_are_known(stack: Run) -> None:
    """With outputs resolved (not a preview) nothing is left unknown: every rule passes or does not apply."""
    from policies.engine import run_resource_rule, run_stack_rule
    from policies.graph import Graph
    from policies.model import Resource, RuleKind, Status
    from policies.registry import all_rules
    from policies.settings import PackSettings

    resources = [
        Resource(
            urn=f"urn:pulumi:dev::ferpaguard-reference::{r.type}::{r.name}",
            type=r.type,
            name=r.name,
            props=r.inputs,
            outputs=r.outputs,
            id=r.id,
        )
        for r in stack.resources
        if not r.type.startswith("ferpaguard:")
    ]
    graph, settings = Graph(resources, use_outputs=True), PackSettings()  # resolved ARNs are outputs
    findings: list[str] = []
    for rule in all_rules():
        policy = settings.for_rule(rule.meta)
        if rule.meta.kind is RuleKind.STACK:
            outcomes = [(o, o.urn or "") for o in run_stack_rule(rule, graph, policy)]
        else:
            outcomes = [
                (o, r.urn) for r in resources if rule.applies_to(r.type) for o in run_resource_rule(rule, r, policy)
            ]
        findings += [
            f"{rule.meta.id} {o.status} {urn.rsplit('::', 1)[-1]}: {o.message}"
            for o, urn in outcomes
            if o.status not in (Status.PASS, Status.NOT_APPLICABLE)
        ]
    assert not findings, "\n".join(findings)
