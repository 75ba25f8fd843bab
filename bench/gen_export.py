"""Synthetic `pulumi stack export` files for benchmarking `ferpaguard audit`.

    .venv/bin/python bench/gen_export.py 100000 /tmp/export-100k.json [--seed 7]

The stack repeats a "tenant" modelled on the reference FERPA stack (about 55
resources: KMS keys, log groups, a VPC with flow log, subnets, route tables and
associations, security groups, an internal NLB with a TLS listener and a VPC
Link, an API with a VPC_LINK integration, an Aurora cluster with parameter
group and instances, ElastiCache, Kinesis, EFS with policy and mount targets,
secrets, an S3 bucket with SSE-KMS, ECS) until N resources exist, the last
tenant cut short. Relations are real: propertyDependencies name the URNs, and
the referencing inputs hold the referenced resource's output `arn` or `id`.
A seeded share of tenants carries the seed's defects (unencrypted cluster,
VPC Link to an ALB, open security group, cache without TLS), so the rules'
failure paths run too. Output is deterministic for a given N and seed; it is
written with 2-space indentation (`pulumi stack export` indents with 4: only
whitespace differs).
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from pathlib import Path
from typing import Any

import orjson

ACCOUNT = "123456789012"
REGION = "us-east-1"
STACK, PROJECT = "bench", "ferpa-bench"
SECRET = {"4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270"}
STACK_URN = f"urn:pulumi:{STACK}::{PROJECT}::pulumi:pulumi:Stack::{PROJECT}-{STACK}"
PROVIDER_URN = f"urn:pulumi:{STACK}::{PROJECT}::pulumi:providers:aws::default_7_29_0"
PROVIDER_ID = "5f6a2c1e-9d8b-4c7a-b6e5-0a1b2c3d4e5f"
STAMP = "2025-03-14T09:10:00.000000000Z"


class Writer:
    def __init__(self, limit: int, rng: random.Random) -> None:
        self.limit = limit
        self.rng = rng
        self.resources: list[dict[str, Any]] = []
        self.counter = 0

    @property
    def full(self) -> bool:
        return len(self.resources) >= self.limit

    def hex(self, length: int = 17) -> str:
        self.counter += 1
        return f"{self.rng.getrandbits(68):017x}{self.counter:x}"[-length:]

    def add(
        self,
        type_: str,
        name: str,
        inputs: dict[str, Any],
        *,
        id: str,
        arn: str | None = None,
        computed: dict[str, Any] | None = None,
        refs: dict[str, list[dict[str, Any]]] | None = None,
        tagged: bool = True,
    ) -> dict[str, Any]:
        if tagged:
            inputs["tags"] = {"DataClassification": "FERPA", "Name": name, "Project": PROJECT}
        outputs = {**inputs, "id": id, "region": REGION}
        if arn:
            outputs["arn"] = arn
        if tagged:
            outputs["tagsAll"] = inputs["tags"]
        if computed:
            outputs.update(computed)
        refs = refs or {}
        property_dependencies = {key: [r["urn"] for r in refs.get(key, ())] for key in inputs}
        dependencies = list(dict.fromkeys(u for urns in property_dependencies.values() for u in urns))
        resource = {
            "urn": f"urn:pulumi:{STACK}::{PROJECT}::{type_}::{name}",
            "custom": True,
            "id": id,
            "type": type_,
            "inputs": inputs,
            "outputs": outputs,
            "parent": STACK_URN,
            "dependencies": dependencies,
            "provider": f"{PROVIDER_URN}::{PROVIDER_ID}",
            "propertyDependencies": property_dependencies,
            "created": STAMP,
            "modified": STAMP,
        }
        if not self.full:
            self.resources.append(resource)
        return resource


def arn(service: str, rest: str) -> str:
    return f"arn:aws:{service}:{REGION}:{ACCOUNT}:{rest}"


def out(resource: dict[str, Any], key: str) -> Any:
    return resource["outputs"][key]


KEY_POLICY = json.dumps({"Version": "2012-10-17", "Statement": [{
    "Sid": "AccountAdministration", "Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:root"},
    "Action": "kms:*", "Resource": "*"}]})


def tenant(w: Writer, t: int, broken: bool) -> None:
    """One tenant's slice of the stack; names carry the tenant number so URNs are unique."""
    keys = {}
    for purpose in ("data", "logs", "files"):
        key_id = f"{t:08x}-{w.hex(4)}-4{w.hex(3)}-8{w.hex(3)}-{w.hex(12)}"
        keys[purpose] = w.add("aws:kms/key:Key", f"t{t}-{purpose}-key",
                              {"description": f"tenant {t} {purpose}", "enableKeyRotation": True,
                               "deletionWindowInDays": 30, "policy": KEY_POLICY},
                              id=key_id, arn=arn("kms", f"key/{key_id}"), computed={"keyId": key_id})
    logs = []
    for purpose in ("flow", "api"):
        group = f"/ferpa/t{t}/{purpose}"
        logs.append(w.add("aws:cloudwatch/logGroup:LogGroup", f"t{t}-{purpose}-logs",
                          {"name": group, "kmsKeyId": out(keys["logs"], "arn"), "retentionInDays": 365},
                          id=group, arn=arn("logs", f"log-group:{group}"), refs={"kmsKeyId": [keys["logs"]]}))
    vpc_id = f"vpc-{w.hex()}"
    vpc = w.add("aws:ec2/vpc:Vpc", f"t{t}-vpc", {"cidrBlock": "10.0.0.0/16", "enableDnsHostnames": True},
                id=vpc_id, arn=arn("ec2", f"vpc/{vpc_id}"))
    w.add("aws:ec2/flowLog:FlowLog", f"t{t}-flow-log",
          {"vpcId": vpc_id, "trafficType": "ALL", "logDestination": out(logs[0], "arn"),
           "logDestinationType": "cloud-watch-logs"},
          id=f"fl-{w.hex()}", refs={"vpcId": [vpc], "logDestination": [logs[0]]})
    igw = w.add("aws:ec2/internetGateway:InternetGateway", f"t{t}-igw", {"vpcId": vpc_id},
                id=f"igw-{w.hex()}", refs={"vpcId": [vpc]})
    subnets: dict[str, list[dict[str, Any]]] = {"public": [], "private": []}
    for tier in subnets:
        for zone in "ab":
            subnet_id = f"subnet-{w.hex()}"
            subnets[tier].append(w.add(
                "aws:ec2/subnet:Subnet", f"t{t}-{tier}-{zone}",
                {"vpcId": vpc_id, "cidrBlock": f"10.0.{len(subnets[tier])}.0/24",
                 "availabilityZone": f"{REGION}{zone}", "mapPublicIpOnLaunch": tier == "public"},
                id=subnet_id, arn=arn("ec2", f"subnet/{subnet_id}"), refs={"vpcId": [vpc]}))
    nat = w.add("aws:ec2/natGateway:NatGateway", f"t{t}-nat", {"subnetId": out(subnets["public"][0], "id")},
                id=f"nat-{w.hex()}", refs={"subnetId": [subnets["public"][0]]})
    for tier, target_key, target in (("public", "gatewayId", igw), ("private", "natGatewayId", nat)):
        rtb_id = f"rtb-{w.hex()}"
        table = w.add("aws:ec2/routeTable:RouteTable", f"t{t}-{tier}-rt",
                      {"vpcId": vpc_id, "routes": [{"cidrBlock": "0.0.0.0/0", target_key: out(target, "id")}]},
                      id=rtb_id, arn=arn("ec2", f"route-table/{rtb_id}"), refs={"vpcId": [vpc], "routes": [target]})
        for subnet in subnets[tier]:
            w.add("aws:ec2/routeTableAssociation:RouteTableAssociation", f"{subnet['urn'].rsplit('::', 1)[1]}-rta",
                  {"routeTableId": rtb_id, "subnetId": out(subnet, "id")}, id=f"rtbassoc-{w.hex()}",
                  refs={"routeTableId": [table], "subnetId": [subnet]}, tagged=False)
    private_ids = [out(s, "id") for s in subnets["private"]]
    open_port = 80 if broken else 443
    sgs = {}
    for role, cidr in (("lb", "0.0.0.0/0" if broken else "10.0.0.0/16"), ("app", "10.0.0.0/16"), ("db", "10.0.0.0/16")):
        sg_id = f"sg-{w.hex()}"
        sgs[role] = w.add("aws:ec2/securityGroup:SecurityGroup", f"t{t}-{role}-sg",
                          {"vpcId": vpc_id, "description": f"tenant {t} {role}",
                           "ingress": [{"protocol": "tcp", "fromPort": open_port, "toPort": open_port,
                                        "cidrBlocks": [cidr], "ipv6CidrBlocks": [], "securityGroups": [],
                                        "self": False}],
                           "egress": [{"protocol": "-1", "fromPort": 0, "toPort": 0, "cidrBlocks": ["0.0.0.0/0"]}]},
                          id=sg_id, arn=arn("ec2", f"security-group/{sg_id}"), refs={"vpcId": [vpc]})

    kind = "app" if broken else "net"
    lb_arn = arn("elasticloadbalancing", f"loadbalancer/{kind}/t{t}-lb/{w.hex(16)}")
    lb = w.add("aws:lb/loadBalancer:LoadBalancer", f"t{t}-lb",
               {"name": f"t{t}-lb", "internal": not broken, "loadBalancerType": "application" if broken else "network",
                "subnets": private_ids, "securityGroups": [out(sgs["lb"], "id")]},
               id=lb_arn, arn=lb_arn, computed={"dnsName": f"t{t}-lb-{w.hex(8)}.elb.{REGION}.amazonaws.com"},
               refs={"subnets": subnets["private"], "securityGroups": [sgs["lb"]]})
    tg_arn = arn("elasticloadbalancing", f"targetgroup/t{t}-tg/{w.hex(16)}")
    tg = w.add("aws:lb/targetGroup:TargetGroup", f"t{t}-tg",
               {"port": 8443, "protocol": "TLS", "targetType": "ip", "vpcId": vpc_id},
               id=tg_arn, arn=tg_arn, refs={"vpcId": [vpc]})
    w.add("aws:lb/listener:Listener", f"t{t}-listener",
          {"loadBalancerArn": lb_arn, "port": 443, "protocol": "TLS",
           "certificateArn": arn("acm", f"certificate/{w.hex(12)}"),
           "sslPolicy": "ELBSecurityPolicy-TLS13-1-2-2021-06",
           "defaultActions": [{"type": "forward", "targetGroupArn": tg_arn}]},
          id=f"{lb_arn}/listener", arn=f"{lb_arn}/listener", refs={"loadBalancerArn": [lb], "defaultActions": [tg]})
    api_id = w.hex(10)
    api = w.add("aws:apigateway/restApi:RestApi", f"t{t}-api", {"name": f"t{t}-api"}, id=api_id,
                arn=f"arn:aws:apigateway:{REGION}::/restapis/{api_id}", computed={"rootResourceId": w.hex(10)})
    link_id = w.hex(6)
    link = w.add("aws:apigateway/vpcLink:VpcLink", f"t{t}-vpc-link", {"name": f"t{t}-vpc-link", "targetArn": lb_arn},
                 id=link_id, arn=f"arn:aws:apigateway:{REGION}::/vpclinks/{link_id}", refs={"targetArn": [lb]})
    res = w.add("aws:apigateway/resource:Resource", f"t{t}-students",
                {"restApi": api_id, "parentId": out(api, "rootResourceId"), "pathPart": "students"},
                id=w.hex(6), refs={"restApi": [api], "parentId": [api]}, tagged=False)
    w.add("aws:apigateway/method:Method", f"t{t}-get",
          {"restApi": api_id, "resourceId": out(res, "id"), "httpMethod": "GET", "authorization": "AWS_IAM"},
          id=f"agm-{api_id}-GET", refs={"restApi": [api], "resourceId": [res]}, tagged=False)
    w.add("aws:apigateway/integration:Integration", f"t{t}-integration",
          {"restApi": api_id, "resourceId": out(res, "id"), "httpMethod": "GET", "type": "HTTP_PROXY",
           "integrationHttpMethod": "GET", "connectionType": "VPC_LINK", "connectionId": link_id,
           "uri": f"https://t{t}.internal.example.edu/students"},
          id=f"agi-{api_id}-GET", refs={"restApi": [api], "resourceId": [res], "connectionId": [link]}, tagged=False)
    w.add("aws:apigateway/stage:Stage", f"t{t}-stage",
          {"restApi": api_id, "deployment": w.hex(6), "stageName": "prod",
           "accessLogSettings": {"destinationArn": out(logs[1], "arn"), "format": "$context.requestId"}},
          id=f"ags-{api_id}-prod", refs={"restApi": [api], "accessLogSettings": [logs[1]]})
    w.add("aws:apigateway/methodSettings:MethodSettings", f"t{t}-method-settings",
          {"restApi": api_id, "stageName": "prod", "methodPath": "*/*",
           "settings": {"dataTraceEnabled": False, "loggingLevel": "INFO", "metricsEnabled": True}},
          id=f"{api_id}-prod", refs={"restApi": [api]}, tagged=False)

    subnet_group = w.add("aws:rds/subnetGroup:SubnetGroup", f"t{t}-db-subnets",
                         {"name": f"t{t}-db-subnets", "subnetIds": private_ids}, id=f"t{t}-db-subnets",
                         refs={"subnetIds": subnets["private"]})
    params = w.add("aws:rds/clusterParameterGroup:ClusterParameterGroup", f"t{t}-db-params",
                   {"name": f"t{t}-db-params", "family": "aurora-postgresql16",
                    "parameters": [{"name": "rds.force_ssl", "value": "1", "applyMethod": "pending-reboot"}]},
                   id=f"t{t}-db-params")
    cluster_inputs: dict[str, Any] = {
        "clusterIdentifier": f"t{t}-db", "engine": "aurora-postgresql", "engineVersion": "16.4",
        "dbSubnetGroupName": out(subnet_group, "id"), "dbClusterParameterGroupName": out(params, "id"),
        "vpcSecurityGroupIds": [out(sgs["db"], "id")], "backupRetentionPeriod": 14, "deletionProtection": True,
        "iamDatabaseAuthenticationEnabled": True, "enabledCloudwatchLogsExports": ["postgresql"],
        "manageMasterUserPassword": True, "masterUsername": "ferpa_admin"}
    if not broken:
        cluster_inputs |= {"storageEncrypted": True, "kmsKeyId": out(keys["data"], "arn")}
    cluster = w.add("aws:rds/cluster:Cluster", f"t{t}-db", cluster_inputs, id=f"t{t}-db",
                    arn=arn("rds", f"cluster:t{t}-db"),
                    refs={"dbSubnetGroupName": [subnet_group], "dbClusterParameterGroupName": [params],
                          "vpcSecurityGroupIds": [sgs["db"]], "kmsKeyId": [keys["data"]]})
    for index in (1, 2):
        w.add("aws:rds/clusterInstance:ClusterInstance", f"t{t}-db-{index}",
              {"clusterIdentifier": f"t{t}-db", "instanceClass": "db.serverless", "engine": "aurora-postgresql",
               "publiclyAccessible": False, "performanceInsightsEnabled": True,
               "performanceInsightsKmsKeyId": out(keys["data"], "arn")},
              id=f"t{t}-db-{index}", arn=arn("rds", f"db:t{t}-db-{index}"),
              refs={"clusterIdentifier": [cluster], "performanceInsightsKmsKeyId": [keys["data"]]})
    cache_subnets = w.add("aws:elasticache/subnetGroup:SubnetGroup", f"t{t}-cache-subnets",
                          {"name": f"t{t}-cache-subnets", "subnetIds": private_ids}, id=f"t{t}-cache-subnets",
                          refs={"subnetIds": subnets["private"]})
    w.add("aws:elasticache/replicationGroup:ReplicationGroup", f"t{t}-cache",
          {"description": "sessions", "engine": "redis", "nodeType": "cache.t4g.small", "numCacheClusters": 2,
           "atRestEncryptionEnabled": "true", "kmsKeyId": out(keys["data"], "arn"),
           "transitEncryptionEnabled": not broken, "transitEncryptionMode": "required",
           "authToken": {**SECRET, "ciphertext": f"v1:{w.hex(16)}:{w.hex(40)}"},
           "automaticFailoverEnabled": True, "multiAzEnabled": True, "snapshotRetentionLimit": 7,
           "subnetGroupName": out(cache_subnets, "id")},
          id=f"t{t}-cache", arn=arn("elasticache", f"replicationgroup:t{t}-cache"),
          refs={"kmsKeyId": [keys["data"]], "subnetGroupName": [cache_subnets]})
    w.add("aws:kinesis/stream:Stream", f"t{t}-events",
          {"name": f"t{t}-events", "encryptionType": "KMS", "kmsKeyId": out(keys["data"], "arn"),
           "streamModeDetails": {"streamMode": "ON_DEMAND"}},
          id=arn("kinesis", f"stream/t{t}-events"), arn=arn("kinesis", f"stream/t{t}-events"),
          refs={"kmsKeyId": [keys["data"]]})
    fs_id = f"fs-{w.hex()}"
    fs_arn = arn("elasticfilesystem", f"file-system/{fs_id}")
    fs = w.add("aws:efs/fileSystem:FileSystem", f"t{t}-files",
               {"encrypted": True, "kmsKeyId": out(keys["files"], "arn")}, id=fs_id, arn=fs_arn,
               refs={"kmsKeyId": [keys["files"]]})
    w.add("aws:efs/fileSystemPolicy:FileSystemPolicy", f"t{t}-files-policy",
          {"fileSystemId": fs_id, "policy": json.dumps({"Version": "2012-10-17", "Statement": [{
              "Effect": "Deny", "Principal": {"AWS": "*"}, "Action": "*", "Resource": fs_arn,
              "Condition": {"Bool": {"aws:SecureTransport": "false"}}}]})},
          id=fs_id, refs={"fileSystemId": [fs]}, tagged=False)
    for subnet in subnets["private"]:
        w.add("aws:efs/mountTarget:MountTarget", f"{subnet['urn'].rsplit('::', 1)[1]}-mount",
              {"fileSystemId": fs_id, "subnetId": out(subnet, "id"), "securityGroups": [out(sgs["app"], "id")]},
              id=f"fsmt-{w.hex()}", refs={"fileSystemId": [fs], "subnetId": [subnet]}, tagged=False)
    secret_arn = arn("secretsmanager", f"secret:t{t}-config-{w.hex(6)}")
    secret = w.add("aws:secretsmanager/secret:Secret", f"t{t}-config",
                   {"name": f"t{t}-config", "kmsKeyId": out(keys["data"], "arn")}, id=secret_arn, arn=secret_arn,
                   refs={"kmsKeyId": [keys["data"]]})
    w.add("aws:secretsmanager/secretVersion:SecretVersion", f"t{t}-config-version",
          {"secretId": secret_arn, "secretString": {**SECRET, "ciphertext": f"v1:{w.hex(16)}:{w.hex(60)}"}},
          id=f"{secret_arn}|{w.hex(8)}", refs={"secretId": [secret]}, tagged=False)
    bucket_name = f"ferpa-t{t}-{w.hex(8)}"
    bucket = w.add("aws:s3/bucket:Bucket", f"t{t}-bucket", {"bucket": bucket_name}, id=bucket_name,
                   arn=f"arn:aws:s3:::{bucket_name}")
    w.add("aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
          f"t{t}-bucket-sse",
          {"bucket": bucket_name, "rules": [{"applyServerSideEncryptionByDefault": {
              "sseAlgorithm": "aws:kms", "kmsMasterKeyId": out(keys["data"], "arn")}, "bucketKeyEnabled": True}]},
          id=bucket_name, refs={"bucket": [bucket], "rules": [keys["data"]]}, tagged=False)
    role = w.add("aws:iam/role:Role", f"t{t}-task-role",
                 {"name": f"t{t}-task-role", "assumeRolePolicy": json.dumps({"Version": "2012-10-17", "Statement": [
                     {"Effect": "Allow", "Principal": {"Service": "ecs-tasks.amazonaws.com"},
                      "Action": "sts:AssumeRole"}]})},
                 id=f"t{t}-task-role", arn=f"arn:aws:iam::{ACCOUNT}:role/t{t}-task-role")
    task_arn = arn("ecs", f"task-definition/t{t}-api:1")
    task = w.add("aws:ecs/taskDefinition:TaskDefinition", f"t{t}-task",
                 {"family": f"t{t}-api", "taskRoleArn": out(role, "arn"), "networkMode": "awsvpc",
                  "containerDefinitions": json.dumps([{"name": "api", "image": "student-api:1.4", "essential": True}]),
                  "volumes": [{"name": "records", "efsVolumeConfiguration": {
                      "fileSystemId": fs_id, "transitEncryption": "ENABLED"}}]},
                 id=f"t{t}-api", arn=task_arn, refs={"taskRoleArn": [role], "volumes": [fs]})
    w.add("aws:ecs/service:Service", f"t{t}-service",
          {"name": f"t{t}-service", "taskDefinition": task_arn, "launchType": "FARGATE", "desiredCount": 2,
           "networkConfiguration": {"assignPublicIp": False, "subnets": private_ids,
                                    "securityGroups": [out(sgs["app"], "id")]}},
          id=arn("ecs", f"service/t{t}-service"), refs={"taskDefinition": [task],
                                                       "networkConfiguration": [sgs["app"], *subnets["private"]]})


def generate(count: int, seed: int = 7, broken_share: float = 0.05) -> dict[str, Any]:
    """An export of `count` resources in all (the stack and provider resources included)."""
    rng = random.Random(seed)
    w = Writer(max(count - 2, 0), rng)
    number = 0
    while not w.full:
        tenant(w, number, rng.random() < broken_share)
        number += 1
    provider_inputs = {"region": REGION, "skipCredentialsValidation": "false", "version": "7.29.0"}
    head = [
        {"urn": STACK_URN, "custom": False, "type": "pulumi:pulumi:Stack", "outputs": {}, "created": STAMP,
         "modified": STAMP},
        {"urn": PROVIDER_URN, "custom": True, "id": PROVIDER_ID, "type": "pulumi:providers:aws",
         "inputs": provider_inputs, "outputs": provider_inputs, "created": STAMP, "modified": STAMP},
    ]
    return {
        "version": 3,
        "deployment": {
            "manifest": {"time": "2025-03-14T09:59:41.482113-00:00", "magic": "0" * 64, "version": "v3.223.0"},
            "secrets_providers": {"type": "passphrase", "state": {"salt": "v1:bench=:v1:bench:bench=="}},
            "resources": (head + w.resources)[:count],
        },
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("count", type=int, help="number of resources (stack and provider included)")
    parser.add_argument("path", type=Path, help="where to write the export")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)
    args.path.write_bytes(orjson.dumps(generate(args.count, args.seed), option=orjson.OPT_INDENT_2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
