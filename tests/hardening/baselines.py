"""A compliant baseline per resource rule and the paths it cannot judge without.

Each baseline passes its rule; making any one `required` path unknown must turn
the verdict into `unknown` (tests/hardening/test_rule_properties.py).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from policies.values import SECRET_SIG, SIG_KEY

KEY = "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"
NLB = "arn:aws:elasticloadbalancing:us-east-1:111122223333:loadbalancer/net/students/50dc6c495c0c9188"
CERT = "arn:aws:acm:us-east-1:111122223333:certificate/abc"
LOG_ARN = "arn:aws:logs:us-east-1:111122223333:log-group:/ferpa/api-access"
TLS13 = "ELBSecurityPolicy-TLS13-1-2-2021-06"

CLUSTER = "aws:rds/cluster:Cluster"
INSTANCE = "aws:rds/instance:Instance"
CLUSTER_INSTANCE = "aws:rds/clusterInstance:ClusterInstance"
REPLICATION_GROUP = "aws:elasticache/replicationGroup:ReplicationGroup"
LISTENERS = ("aws:lb/listener:Listener", "aws:alb/listener:Listener")
LOAD_BALANCERS = ("aws:lb/loadBalancer:LoadBalancer", "aws:alb/loadBalancer:LoadBalancer")
IAM_POLICIES = ("aws:iam/policy:Policy", "aws:iam/rolePolicy:RolePolicy", "aws:iam/userPolicy:UserPolicy",
                "aws:iam/groupPolicy:GroupPolicy")


def secret(value: Any) -> dict[str, Any]:
    return {SIG_KEY: SECRET_SIG, "value": value}


@dataclass(frozen=True)
class Baseline:
    label: str
    types: tuple[str, ...]
    props: dict[str, Any]
    required: tuple[str, ...] = field(default_factory=tuple)
    presence_only: tuple[str, ...] = field(default_factory=tuple)
    """Required values the rule only tests for presence: an unreadable (ciphertext) secret there is set, so known."""
    secrecy_only: tuple[str, ...] = field(default_factory=tuple)
    """Required values the rule only tests for being secret: any secret wrapper there answers it."""


KEY_OWNER_ONLY = {"Version": "2012-10-17", "Statement": [
    {"Sid": "Root", "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:root"},
     "Action": "kms:*", "Resource": "*"}]}
READ_RECORDS = {"Version": "2012-10-17", "Statement": [
    {"Sid": "Read", "Effect": "Allow", "Action": ["s3:GetObject"], "Resource": "arn:aws:s3:::records/*"}]}
FORWARD = [{"type": "forward", "targetGroupArn": "arn:tg"}]

BASELINES: dict[str, list[Baseline]] = {
    "FERPA-ENC-01": [Baseline("cmk", (CLUSTER, INSTANCE),
                              {"engine": "aurora-postgresql", "storageEncrypted": True, "kmsKeyId": KEY},
                              ("storageEncrypted", "kmsKeyId"))],
    "FERPA-ENC-02": [Baseline("cmk", (CLUSTER, INSTANCE, CLUSTER_INSTANCE),
                              {"performanceInsightsEnabled": True, "performanceInsightsKmsKeyId": KEY},
                              ("performanceInsightsEnabled", "performanceInsightsKmsKeyId"))],
    "FERPA-ENC-03": [
        Baseline("group", (REPLICATION_GROUP,), {"atRestEncryptionEnabled": True, "kmsKeyId": KEY},
                 ("atRestEncryptionEnabled", "kmsKeyId")),
        Baseline("serverless", ("aws:elasticache/serverlessCache:ServerlessCache",), {"kmsKeyId": KEY},
                 ("kmsKeyId",)),
    ],
    "FERPA-ENC-04": [Baseline("kms", ("aws:kinesis/stream:Stream",), {"encryptionType": "KMS", "kmsKeyId": KEY},
                              ("encryptionType", "kmsKeyId"))],
    "FERPA-ENC-05": [Baseline("cmk", ("aws:efs/fileSystem:FileSystem",), {"encrypted": True, "kmsKeyId": KEY},
                              ("encrypted", "kmsKeyId"))],
    "FERPA-ENC-06": [Baseline("cmk", ("aws:secretsmanager/secret:Secret",), {"kmsKeyId": KEY}, ("kmsKeyId",))],
    "FERPA-ENC-07": [Baseline("cmk", ("aws:cloudwatch/logGroup:LogGroup",), {"kmsKeyId": KEY}, ("kmsKeyId",))],
    "FERPA-ENC-09": [Baseline("rotating", ("aws:kms/key:Key",),
                              {"enableKeyRotation": True, "keySpec": "SYMMETRIC_DEFAULT"}, ("enableKeyRotation",))],
    "FERPA-ENC-10": [
        Baseline("json", ("aws:kms/key:Key", "aws:kms/keyPolicy:KeyPolicy"), {"policy": json.dumps(KEY_OWNER_ONLY)},
                 ("policy",)),
        Baseline("object", ("aws:kms/key:Key", "aws:kms/keyPolicy:KeyPolicy"), {"policy": KEY_OWNER_ONLY},
                 ("policy", "policy.Statement", "policy.Statement.0", "policy.Statement.0.Principal",
                  "policy.Statement.0.Principal.AWS")),
    ],
    "FERPA-TLS-01": [Baseline("required", (REPLICATION_GROUP,),
                              {"transitEncryptionEnabled": True, "transitEncryptionMode": "required"},
                              ("transitEncryptionEnabled", "transitEncryptionMode"))],
    "FERPA-TLS-02": [Baseline("token", (REPLICATION_GROUP,), {"authToken": secret("a-long-auth-token")},
                              ("authToken",), presence_only=("authToken",))],
    "FERPA-TLS-03": [
        Baseline("https", LISTENERS, {"protocol": "HTTPS", "port": 443, "certificateArn": CERT, "sslPolicy": TLS13,
                                      "defaultActions": FORWARD},
                 ("protocol", "certificateArn", "sslPolicy"), presence_only=("certificateArn",)),
        Baseline("redirect", LISTENERS,
                 {"protocol": "HTTP", "port": 80,
                  "defaultActions": [{"type": "redirect", "redirect": {"protocol": "HTTPS", "port": "443"}}]},
                 ("protocol", "defaultActions", "defaultActions.0.type", "defaultActions.0.redirect.protocol")),
    ],
    "FERPA-TLS-05": [
        Baseline("https", ("aws:apigateway/integration:Integration",),
                 {"type": "HTTP_PROXY", "uri": "https://api.example.edu/{proxy}", "connectionType": "INTERNET"},
                 ("type", "uri")),
        Baseline("vpc-link", ("aws:apigateway/integration:Integration",),
                 {"type": "HTTP_PROXY", "uri": "http://internal.example.edu", "connectionType": "VPC_LINK"},
                 ("type", "connectionType")),
    ],
    "FERPA-TLS-06": [Baseline("tls12", ("aws:apigateway/domainName:DomainName",), {"securityPolicy": "TLS_1_2"},
                              ("securityPolicy",))],
    "FERPA-TLS-07": [Baseline("efs", ("aws:ecs/taskDefinition:TaskDefinition",),
                              {"family": "api", "volumes": [{"name": "files", "efsVolumeConfiguration": {
                                  "fileSystemId": "fs-1", "transitEncryption": "ENABLED"}}]},
                              ("volumes", "volumes.0", "volumes.0.efsVolumeConfiguration",
                               "volumes.0.efsVolumeConfiguration.transitEncryption"))],
    "FERPA-NET-01": [Baseline("private", (CLUSTER_INSTANCE, INSTANCE), {"publiclyAccessible": False},
                              ("publiclyAccessible",))],
    "FERPA-NET-02": [Baseline("private", ("aws:ecs/service:Service",),
                              {"networkConfiguration": {"assignPublicIp": False, "subnets": ["subnet-a"]}},
                              ("networkConfiguration", "networkConfiguration.assignPublicIp"))],
    "FERPA-NET-03": [
        Baseline("internal", ("aws:ec2/securityGroup:SecurityGroup",),
                 {"ingress": [{"protocol": "tcp", "fromPort": 5432, "toPort": 5432, "cidrBlocks": ["10.0.0.0/16"]}]},
                 ("ingress", "ingress.0", "ingress.0.cidrBlocks", "ingress.0.cidrBlocks.0")),
        Baseline("world-443", ("aws:ec2/securityGroup:SecurityGroup",),
                 {"ingress": [{"protocol": "tcp", "fromPort": 443, "toPort": 443, "cidrBlocks": ["0.0.0.0/0"]}]},
                 ("ingress", "ingress.0.protocol", "ingress.0.fromPort", "ingress.0.toPort")),
        Baseline("rule", ("aws:ec2/securityGroupRule:SecurityGroupRule",),
                 {"type": "ingress", "protocol": "tcp", "fromPort": 5432, "toPort": 5432,
                  "cidrBlocks": ["10.0.0.0/16"]},
                 ("type", "cidrBlocks")),
        Baseline("ingress-rule", ("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",),
                 {"ipProtocol": "tcp", "fromPort": 443, "toPort": 443, "cidrIpv4": "0.0.0.0/0"},
                 ("ipProtocol", "fromPort", "toPort", "cidrIpv4")),
    ],
    "FERPA-NET-05": [Baseline("internal", LOAD_BALANCERS, {"internal": True, "loadBalancerType": "network"},
                              ("internal",))],
    "FERPA-LINK-01": [Baseline("nlb", ("aws:apigateway/vpcLink:VpcLink",), {"targetArn": NLB}, ("targetArn",))],
    "FERPA-LOG-01": [Baseline("logged", ("aws:apigateway/stage:Stage",),
                              {"accessLogSettings": {"destinationArn": LOG_ARN, "format": "$context.requestId"}},
                              ("accessLogSettings", "accessLogSettings.destinationArn"))],
    "FERPA-LOG-02": [Baseline("no-trace", ("aws:apigateway/methodSettings:MethodSettings",),
                              {"settings": {"dataTraceEnabled": False, "loggingLevel": "INFO"}},
                              ("settings", "settings.dataTraceEnabled"))],
    "FERPA-LOG-03": [Baseline("400-days", ("aws:cloudwatch/logGroup:LogGroup",), {"retentionInDays": 400},
                              ("retentionInDays",))],
    "FERPA-LOG-06": [Baseline("postgres", (CLUSTER,),
                              {"engine": "aurora-postgresql", "enabledCloudwatchLogsExports": ["postgresql"]},
                              ("engine", "enabledCloudwatchLogsExports", "enabledCloudwatchLogsExports.0"))],
    "FERPA-IAM-01": [
        Baseline("json", IAM_POLICIES, {"policy": json.dumps(READ_RECORDS)}, ("policy",)),
        Baseline("object", IAM_POLICIES, {"policy": READ_RECORDS},
                 ("policy", "policy.Statement", "policy.Statement.0", "policy.Statement.0.Action",
                  "policy.Statement.0.Resource")),
    ],
    "FERPA-IAM-02": [
        Baseline("cluster", (CLUSTER,), {"masterPassword": secret("pw")}, ("masterPassword",),
                 secrecy_only=("masterPassword",)),
        Baseline("instance", (INSTANCE,), {"password": secret("pw")}, ("password",), secrecy_only=("password",)),
    ],
    "FERPA-IAM-04": [Baseline("iam-auth", (CLUSTER, INSTANCE), {"iamDatabaseAuthenticationEnabled": True},
                              ("iamDatabaseAuthenticationEnabled",))],
    "FERPA-RES-01": [Baseline("14-days", (CLUSTER, INSTANCE), {"backupRetentionPeriod": 14},
                              ("backupRetentionPeriod",))],
    "FERPA-RES-02": [Baseline("protected", (CLUSTER, INSTANCE), {"deletionProtection": True},
                              ("deletionProtection",))],
    "FERPA-RES-03": [Baseline("7-days", (REPLICATION_GROUP,), {"snapshotRetentionLimit": 7},
                              ("snapshotRetentionLimit",))],
    "FERPA-RES-04": [Baseline("multi-az", (REPLICATION_GROUP,),
                              {"automaticFailoverEnabled": True, "multiAzEnabled": True, "numCacheClusters": 2},
                              ("automaticFailoverEnabled", "multiAzEnabled"))],
}
