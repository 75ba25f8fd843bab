"""Secrets carrying the marker LEAK-MARKER-7c1e9a in every argument shape the
rules read: tags, names, passwords, auth tokens, policy documents, container
environment, volume names, ARNs, URIs, config secrets and stack outputs. Many of
them also break a rule, so the marker sits right where a message is written."""

import json

import pulumi
import pulumi_aws as aws

MARKER = "LEAK-MARKER-7c1e9a"
config = pulumi.Config()
db_password = config.require_secret("dbPassword")
api_token = config.require_secret("apiToken")


def hidden(text: str) -> pulumi.Output[str]:
    return pulumi.Output.secret(f"{text}-{MARKER}")


tags = {"Owner": hidden("owner"), "DataClassification": "FERPA"}
admin_policy = {"Version": "2012-10-17", "Statement": [
    {"Sid": f"Admin{MARKER.replace('-', '')}", "Effect": "Allow", "Action": "*", "Resource": "*"}]}
open_key_policy = {"Version": "2012-10-17", "Statement": [
    {"Sid": f"Everyone{MARKER.replace('-', '')}", "Effect": "Allow", "Principal": "*", "Action": "kms:*",
     "Resource": f"arn:aws:kms:us-east-1:111122223333:key/{MARKER}"}]}

key = aws.kms.Key("key", description=hidden("description"), policy=pulumi.Output.secret(json.dumps(open_key_policy)),
                  enable_key_rotation=pulumi.Output.secret(False), tags=tags)
aws.iam.Policy("admin", policy=pulumi.Output.secret(json.dumps(admin_policy)), tags=tags)
aws.rds.Cluster(
    "db",
    cluster_identifier=hidden("cluster"),
    engine="aurora-postgresql",
    master_username=hidden("admin"),
    master_password=db_password,
    kms_key_id=hidden("alias/aws/rds"),
    storage_encrypted=pulumi.Output.secret(False),
    backup_retention_period=pulumi.Output.secret(1),
    enabled_cloudwatch_logs_exports=pulumi.Output.secret([f"audit-{MARKER}"]),
    tags=tags,
)
aws.rds.Cluster("other-engine", engine=hidden("mysql"), master_password=hidden("password"), tags=tags)
aws.elasticache.ReplicationGroup(
    "cache",
    description=hidden("cache"),
    auth_token=api_token,
    transit_encryption_enabled=True,
    transit_encryption_mode=hidden("preferred"),
    at_rest_encryption_enabled=True,
    kms_key_id=hidden("alias/aws/elasticache"),
    snapshot_retention_limit=pulumi.Output.secret(0),
    tags=tags,
)
aws.ecs.TaskDefinition(
    "task",
    family=hidden("family"),
    container_definitions=pulumi.Output.secret(json.dumps([{
        "name": "api", "image": f"registry.example.edu/api:{MARKER}",
        "environment": [{"name": "DB_PASSWORD", "value": MARKER}, {"name": "TOKEN", "value": f"tok-{MARKER}"}],
        "secrets": [{"name": "API", "valueFrom": f"arn:aws:secretsmanager:us-east-1:1:secret:{MARKER}"}],
    }])),
    volumes=[aws.ecs.TaskDefinitionVolumeArgs(
        name=hidden("files"),
        efs_volume_configuration=aws.ecs.TaskDefinitionVolumeEfsVolumeConfigurationArgs(
            file_system_id=hidden("fs"), transit_encryption=hidden("DISABLED")))],
    tags=tags,
)
aws.apigateway.VpcLink("link", target_arn=pulumi.Output.secret(
    f"arn:aws:elasticloadbalancing:us-east-1:111122223333:loadbalancer/app/{MARKER}/1"), tags=tags)
aws.apigateway.Integration("integration", rest_api="api", resource_id="res", http_method="GET", type="HTTP_PROXY",
                           integration_http_method="GET", uri=hidden("http://backend.example.edu"))
aws.lb.LoadBalancer("alb", internal=pulumi.Output.secret(False), name=hidden("alb"), load_balancer_type="application",
                    tags=tags)
aws.lb.Listener("listener", load_balancer_arn="arn:lb", port=443, protocol=pulumi.Output.secret("HTTPS"),
                certificate_arn=hidden("arn:aws:acm:cert"), ssl_policy=hidden("ELBSecurityPolicy-2016-08"),
                default_actions=[aws.lb.ListenerDefaultActionArgs(type="forward", target_group_arn=hidden("tg"))])
aws.kinesis.Stream("stream", shard_count=1, encryption_type=hidden("KMS"), kms_key_id=hidden("alias/aws/kinesis"),
                   name=hidden("stream"), tags=tags)
aws.cloudwatch.LogGroup("logs", name=hidden("logs"), retention_in_days=pulumi.Output.secret(1),
                        kms_key_id=hidden("alias/aws/logs"), tags=tags)
aws.secretsmanager.Secret("secret", name=hidden("secret"), kms_key_id=hidden("alias/aws/secretsmanager"), tags=tags)
aws.secretsmanager.SecretVersion("secret-version", secret_id="secret", secret_string=f"plain-arg-{MARKER}")
aws.ec2.SecurityGroup("sg", description=hidden("sg"), ingress=[aws.ec2.SecurityGroupIngressArgs(
    protocol="tcp", from_port=22, to_port=22, cidr_blocks=[pulumi.Output.secret("0.0.0.0/0")],
    description=hidden("ssh"))], tags=tags)
aws.s3.BucketV2("bucket", bucket=hidden("records"), tags=tags)
aws.apigateway.DomainName("domain", domain_name=hidden("api.example.edu"), security_policy=hidden("TLS_1_0"))

db_password.apply(lambda value: print(f"debug: the database password is {value}"))
pulumi.log.info("configured", ephemeral=False)
pulumi.export("dbPassword", db_password)
pulumi.export("apiToken", api_token)
pulumi.export("nested", {"list": [hidden("in-list")], "map": {"deep": hidden("in-map")}})
pulumi.export("derived", db_password.apply(lambda value: f"postgres://admin:{value}@db"))
