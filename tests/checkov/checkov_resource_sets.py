"""Resource sets for the checkov tests: a compliant FERPA data tier and broken variants."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from policies.model import Resource

STACK = "dev"
PROJECT = "ferpa"
ACCOUNT = "123456789012"
KEY_ARN = f"arn:aws:kms:us-east-1:{ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab"
NLB_ARN = f"arn:aws:elasticloadbalancing:us-east-1:{ACCOUNT}:loadbalancer/net/records-nlb/50dc6c495c0c9188"
ALB_ARN = f"arn:aws:elasticloadbalancing:us-east-1:{ACCOUNT}:loadbalancer/app/records-alb/50dc6c495c0c9188"
CERT_ARN = f"arn:aws:acm:us-east-1:{ACCOUNT}:certificate/0f0e0d0c-0b0a-0908-0706-050403020100"
FS_ARN = f"arn:aws:elasticfilesystem:us-east-1:{ACCOUNT}:file-system/fs-0123"
TLS_ONLY_POLICY = json.dumps({"Version": "2012-10-17", "Statement": [{
    "Effect": "Deny", "Principal": {"AWS": "*"}, "Action": "*", "Resource": FS_ARN,
    "Condition": {"Bool": {"aws:SecureTransport": "false"}},
}]})
CLUSTER_ARN = f"arn:aws:rds:us-east-1:{ACCOUNT}:cluster:records-db"
LOG_GROUP_ARN = f"arn:aws:logs:us-east-1:{ACCOUNT}:log-group:/ferpa/api"


def urn(type_: str, name: str) -> str:
    return f"urn:pulumi:{STACK}::{PROJECT}::{type_}::{name}"


def resource(
    type_: str,
    name: str,
    props: Mapping[str, Any],
    outputs: Mapping[str, Any] | None = None,
    deps: Mapping[str, Sequence[tuple[str, str]]] | None = None,
) -> Resource:
    """A resource; `outputs` are merged over the inputs as in a stack export; `deps` name (type, name) targets."""
    return Resource(
        urn=urn(type_, name),
        type=type_,
        name=name,
        props=dict(props),
        outputs={**props, **outputs} if outputs is not None else {},
        property_dependencies={k: tuple(urn(t, n) for t, n in v) for k, v in (deps or {}).items()},
    )


KEY = ("aws:kms/key:Key", "data-key")
VPC = ("aws:ec2/vpc:Vpc", "vpc")
NLB = ("aws:lb/loadBalancer:LoadBalancer", "records-nlb")
KEY_DEP = {"kmsKeyId": [KEY]}


def compliant() -> list[Resource]:
    return [
        resource(*KEY, {"enableKeyRotation": True, "description": "FERPA data key"},
                 {"arn": KEY_ARN, "id": "1234abcd-12ab-34cd-56ef-1234567890ab"}),
        resource(*VPC, {"cidrBlock": "10.0.0.0/16", "enableDnsHostnames": True}, {"id": "vpc-0a1b2c"}),
        resource("aws:ec2/flowLog:FlowLog", "vpc-flow", {"vpcId": "vpc-0a1b2c", "trafficType": "ALL",
                 "logDestination": LOG_GROUP_ARN}, deps={"vpcId": [VPC]}),
        resource("aws:cloudwatch/logGroup:LogGroup", "api-logs", {"retentionInDays": 400.0, "kmsKeyId": KEY_ARN},
                 deps=KEY_DEP),
        resource("aws:rds/cluster:Cluster", "records-db", {
            "engine": "aurora-postgresql", "storageEncrypted": True, "kmsKeyId": KEY_ARN,
            "iamDatabaseAuthenticationEnabled": True, "deletionProtection": True, "backupRetentionPeriod": 7.0,
            "enabledCloudwatchLogsExports": ["postgresql"], "manageMasterUserPassword": True,
            "copyTagsToSnapshot": True, "dbClusterParameterGroupName": "records-pg",
            "dbSubnetGroupName": "records-data",
        }, deps={**KEY_DEP, "dbClusterParameterGroupName": [("aws:rds/clusterParameterGroup:ClusterParameterGroup",
                                                                 "records-pg")]}),
        resource("aws:rds/clusterParameterGroup:ClusterParameterGroup", "records-pg", {
            "family": "aurora-postgresql16", "parameters": [{"name": "rds.force_ssl", "value": "1"}],
        }, {"name": "records-pg", "id": "records-pg"}),
        resource("aws:rds/clusterInstance:ClusterInstance", "records-db-1", {
            "clusterIdentifier": "records-db", "instanceClass": "db.serverless", "engine": "aurora-postgresql",
            "publiclyAccessible": False, "performanceInsightsEnabled": True, "performanceInsightsKmsKeyId": KEY_ARN,
        }),
        resource("aws:elasticache/replicationGroup:ReplicationGroup", "sessions", {
            "description": "sessions", "atRestEncryptionEnabled": True, "kmsKeyId": KEY_ARN,
            "subnetGroupName": "records-cache",
            "transitEncryptionEnabled": True, "transitEncryptionMode": "required",
            "authToken": {"4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270",
                          "value": "a-long-random-token-value"},
            "automaticFailoverEnabled": True, "multiAzEnabled": True, "numCacheClusters": 2.0,
            "snapshotRetentionLimit": 7.0,
        }, deps=KEY_DEP),
        resource("aws:kinesis/stream:Stream", "events", {"encryptionType": "KMS", "kmsKeyId": KEY_ARN,
                 "shardCount": 1.0}, deps=KEY_DEP),
        resource("aws:efs/fileSystem:FileSystem", "files", {"encrypted": True, "kmsKeyId": KEY_ARN},
                 {"id": "fs-0123", "arn": FS_ARN}, deps=KEY_DEP),
        resource("aws:efs/fileSystemPolicy:FileSystemPolicy", "files-tls", {"fileSystemId": "fs-0123",
                 "policy": TLS_ONLY_POLICY}, deps={"fileSystemId": [("aws:efs/fileSystem:FileSystem", "files")]}),
        resource("aws:cloudtrail/trail:Trail", "audit-trail", {
            "s3BucketName": "ferpa-audit", "enableLogFileValidation": True, "kmsKeyId": KEY_ARN,
            "isMultiRegionTrail": True, "includeGlobalServiceEvents": True,
        }, deps=KEY_DEP),
        resource("aws:secretsmanager/secret:Secret", "db-credentials", {"kmsKeyId": KEY_ARN}, deps=KEY_DEP),
        resource(*NLB, {"loadBalancerType": "network", "internal": True, "subnets": ["subnet-1", "subnet-2"],
                        "enableDeletionProtection": True},
                 {"arn": NLB_ARN, "id": NLB_ARN}),
        resource("aws:lb/listener:Listener", "records-tls", {
            "loadBalancerArn": NLB_ARN, "port": 443.0, "protocol": "TLS", "certificateArn": CERT_ARN,
            "sslPolicy": "ELBSecurityPolicy-TLS13-1-2-2021-06",
            "defaultActions": [{"type": "forward", "targetGroupArn": "arn:aws:elasticloadbalancing:tg"}],
        }, deps={"loadBalancerArn": [NLB]}),
        resource("aws:apigateway/vpcLink:VpcLink", "records-link", {"name": "records-link", "targetArn": NLB_ARN},
                 deps={"targetArn": [NLB]}),
        resource("aws:apigateway/stage:Stage", "v1", {
            "stageName": "v1", "restApi": "api-id", "deployment": "dep-id",
            "accessLogSettings": {"destinationArn": LOG_GROUP_ARN, "format": "$context.requestId"},
        }),
        resource("aws:apigateway/methodSettings:MethodSettings", "v1-settings", {
            "restApi": "api-id", "stageName": "v1", "methodPath": "*/*",
            "settings": {"dataTraceEnabled": False, "loggingLevel": "INFO", "metricsEnabled": True},
        }),
        resource("aws:ec2/securityGroup:SecurityGroup", "db-sg", {
            "vpcId": "vpc-0a1b2c", "description": "database",
            "ingress": [{"protocol": "tcp", "fromPort": 5432.0, "toPort": 5432.0, "cidrBlocks": ["10.0.0.0/16"]}],
        }),
        resource("aws:kms/key:Key", "logs-key", {"enableKeyRotation": True}),
        resource("aws:backup/vault:Vault", "records-vault", {"name": "records-vault", "kmsKeyArn": KEY_ARN},
                 deps={"kmsKeyArn": [KEY]}),
        resource("aws:backup/plan:Plan", "records-daily", {"name": "records-daily", "rules": [
            {"ruleName": "daily", "targetVaultName": "records-vault", "schedule": "cron(0 5 * * ? *)"}]}),
        resource("aws:backup/selection:Selection", "records-selection", {
            "name": "records", "planId": "plan-1", "iamRoleArn": f"arn:aws:iam::{ACCOUNT}:role/backup",
            "resources": [CLUSTER_ARN, FS_ARN],
        }, deps={"resources": [("aws:rds/cluster:Cluster", "records-db"), ("aws:efs/fileSystem:FileSystem", "files")]}),
    ]


def replace(resources: list[Resource], name: str, **changes: Any) -> list[Resource]:
    """The set with the named resource's inputs changed (a value None removes the property)."""
    result = []
    for item in resources:
        if item.name == name:
            props = {k: v for k, v in {**item.props, **changes}.items() if v is not None}
            outputs = {k: v for k, v in {**item.outputs, **changes}.items() if v is not None} if item.outputs else {}
            deps = {k: v for k, v in item.property_dependencies.items() if k in props}
            item = Resource(item.urn, item.type, item.name, props, outputs, property_dependencies=deps)
        result.append(item)
    return result


def unencrypted() -> list[Resource]:
    """The brief's broken data tier: nothing encrypted, key rotation off."""
    broken = compliant()
    broken = replace(broken, "records-db", storageEncrypted=False, kmsKeyId=None)
    broken = replace(broken, "sessions", atRestEncryptionEnabled=False, kmsKeyId=None, transitEncryptionEnabled=False,
                     transitEncryptionMode=None, authToken=None)
    broken = replace(broken, "events", encryptionType="NONE", kmsKeyId=None)
    broken = replace(broken, "files", encrypted=False, kmsKeyId=None)
    return replace(broken, "data-key", enableKeyRotation=False)


def alb_vpclink() -> list[Resource]:
    """The seed incident: the VPC Link points at an ALB."""
    alb = resource("aws:lb/loadBalancer:LoadBalancer", "records-alb",
                   {"loadBalancerType": "application", "internal": True, "subnets": ["subnet-1"]},
                   {"arn": ALB_ARN, "id": ALB_ARN})
    link = resource("aws:apigateway/vpcLink:VpcLink", "records-link", {"name": "records-link", "targetArn": ALB_ARN},
                    deps={"targetArn": [("aws:lb/loadBalancer:LoadBalancer", "records-alb")]})
    return [r for r in compliant() if r.name != "records-link"] + [alb, link]


def aws_managed_keys() -> list[Resource]:
    """Encrypted everywhere, but with AWS-managed keys (no kmsKeyId): checkov's weaker checks pass."""
    broken = compliant()
    for name in ("records-db", "files", "db-credentials", "api-logs"):
        broken = replace(broken, name, kmsKeyId=None)
    return replace(broken, "events", kmsKeyId="alias/aws/kinesis")


def open_network() -> list[Resource]:
    """Internet-facing database port, plaintext listener, public database instance, short retention."""
    broken = compliant()
    broken = replace(broken, "db-sg", ingress=[{"protocol": "tcp", "fromPort": 5432.0, "toPort": 5432.0,
                                                 "cidrBlocks": ["0.0.0.0/0"]}])
    broken = replace(broken, "records-tls", protocol="TCP", certificateArn=None, sslPolicy=None)
    broken = replace(broken, "records-db-1", publiclyAccessible=True)
    broken = replace(broken, "api-logs", retentionInDays=30.0)
    broken = replace(broken, "sessions", transitEncryptionMode="preferred")
    return replace(broken, "v1-settings", settings={"dataTraceEnabled": True, "loggingLevel": "INFO"})


WILDCARD_WITH_CONDITION = json.dumps({"Version": "2012-10-17", "Statement": [{
    "Sid": "AccountUse", "Effect": "Allow", "Principal": {"AWS": "*"}, "Action": ["kms:Decrypt", "kms:Encrypt"],
    "Resource": "*", "Condition": {"StringEquals": {"kms:CallerAccount": ACCOUNT}},
}]})


def edge_cases() -> list[Resource]:
    """Settings where the pack and checkov measure differently, each listed in known_differences.yaml."""
    broken = compliant()
    broken = replace(broken, "api-logs", retentionInDays=0.0)
    broken = replace(broken, "records-db", backupRetentionPeriod=3.0)
    broken = replace(broken, "records-nlb", internal=False)
    broken = replace(broken, "logs-key", policy=WILDCARD_WITH_CONDITION)
    return replace(broken, "sessions", transitEncryptionEnabled=False, transitEncryptionMode=None)


def compliant_types() -> list[tuple[str, str]]:
    """(name, type) of each resource in the compliant set."""
    return [(r.name, r.type) for r in compliant()]
