"""The application tier: an internal Network Load Balancer with a TLS 1.2+
listener (ACM certificate, DNS validation) in front of an ECS Fargate service
that runs in private subnets without public IPs and mounts EFS over TLS."""

from __future__ import annotations

import json
from typing import Any

import pulumi
import pulumi_aws as aws

from .config import StackConfig
from .data import Data
from .documents import Account, allow, document, efs_policy
from .keys import Keys
from .network import APP_PORT, HTTPS, Network
from .observability import Observability
from .roles import service_role

TLS_POLICY = "ELBSecurityPolicy-TLS13-1-2-2021-06"
CONTAINER = "students-api"
DOCUMENTS_VOLUME = "student-documents"


def container_definitions(
    image: str, log_group: str, region: str, redis_host: str, redis_secret_arn: str, db_host: str, stream: str
) -> str:
    definition: dict[str, Any] = {
        "name": CONTAINER,
        "image": image,
        "essential": True,
        "readonlyRootFilesystem": True,
        "portMappings": [{"containerPort": APP_PORT, "protocol": "tcp"}],
        "environment": [
            {"name": "DB_HOST", "value": db_host},
            {"name": "DB_AUTH", "value": "iam"},
            {"name": "DB_SSLMODE", "value": "verify-full"},
            {"name": "REDIS_HOST", "value": redis_host},
            {"name": "REDIS_TLS", "value": "true"},
            {"name": "EVENT_STREAM", "value": stream},
        ],
        "secrets": [{"name": "REDIS_AUTH_TOKEN", "valueFrom": redis_secret_arn}],
        "mountPoints": [{"sourceVolume": DOCUMENTS_VOLUME, "containerPath": "/srv/documents", "readOnly": False}],
        "logConfiguration": {
            "logDriver": "awslogs",
            "options": {"awslogs-group": log_group, "awslogs-region": region, "awslogs-stream-prefix": CONTAINER},
        },
    }
    return json.dumps([definition])


class Compute(pulumi.ComponentResource):
    def __init__(
        self,
        name: str,
        cfg: StackConfig,
        account: pulumi.Output[Account],
        keys: Keys,
        network: Network,
        data: Data,
        observability: Observability,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        super().__init__("ferpaguard:reference:Compute", name, None, opts)
        self._cfg = cfg
        self.certificate_arn = self._certificate(cfg)
        self.load_balancer, self.listener, target_group = self._load_balancer(cfg, network)
        self.log_group = observability.log_group("students-api-logs", f"/ecs/{cfg.name('students-api')}", parent=self)
        execution_role, task_role = self._roles(cfg, account, keys, data)
        self.cluster = aws.ecs.Cluster(
            cfg.name("students-cluster"),
            name=cfg.name("students-cluster"),
            settings=[aws.ecs.ClusterSettingArgs(name="containerInsights", value="enabled")],
            tags=cfg.tags_for("students-cluster"),
            opts=pulumi.ResourceOptions(parent=self),
        )
        self.task_definition = self._task_definition(cfg, data, execution_role, task_role)
        self.service = aws.ecs.Service(
            cfg.name("students-api"),
            name=cfg.name("students-api"),
            cluster=self.cluster.arn,
            task_definition=self.task_definition.arn,
            desired_count=2,
            launch_type="FARGATE",
            platform_version="LATEST",
            network_configuration=aws.ecs.ServiceNetworkConfigurationArgs(
                subnets=[s.id for s in network.private_subnets],
                security_groups=[network.app_security_group.id],
                assign_public_ip=False,
            ),
            load_balancers=[
                aws.ecs.ServiceLoadBalancerArgs(
                    target_group_arn=target_group.arn, container_name=CONTAINER, container_port=APP_PORT
                )
            ],
            health_check_grace_period_seconds=60,
            deployment_circuit_breaker=aws.ecs.ServiceDeploymentCircuitBreakerArgs(enable=True, rollback=True),
            enable_execute_command=False,
            propagate_tags="SERVICE",
            tags=cfg.tags_for("students-api"),
            opts=pulumi.ResourceOptions(parent=self.cluster, depends_on=[self.listener]),
        )
        aws.efs.FileSystemPolicy(
            cfg.name("student-documents-policy"),
            file_system_id=data.file_system.id,
            policy=pulumi.Output.all(data.file_system.arn, task_role.arn, data.access_point.arn).apply(
                lambda arns: json.dumps(efs_policy(arns[0], arns[1], arns[2]))
            ),
            opts=pulumi.ResourceOptions(parent=data.file_system),
        )
        self.register_outputs({"load_balancer_arn": self.load_balancer.arn, "service_name": self.service.name})

    def _certificate(self, cfg: StackConfig) -> pulumi.Output[str]:
        certificate = aws.acm.Certificate(
            cfg.name("students-api-cert"),
            domain_name=cfg.domain_name,
            validation_method="DNS",
            key_algorithm="EC_prime256v1",
            tags=cfg.tags_for("students-api-cert"),
            opts=pulumi.ResourceOptions(parent=self),
        )
        if not cfg.hosted_zone_id:
            # Validated outside the stack (records in a zone this stack does not manage).
            return certificate.arn
        option = certificate.domain_validation_options.apply(lambda options: options[0] if options else None)
        record = aws.route53.Record(
            cfg.name("students-api-cert-validation"),
            zone_id=cfg.hosted_zone_id,
            name=option.apply(lambda o: o.resource_record_name if o else cfg.domain_name),
            type=option.apply(lambda o: o.resource_record_type if o else "CNAME"),
            records=[option.apply(lambda o: o.resource_record_value if o else cfg.domain_name)],
            ttl=300,
            allow_overwrite=True,
            opts=pulumi.ResourceOptions(parent=certificate),
        )
        validation = aws.acm.CertificateValidation(
            cfg.name("students-api-cert-validated"),
            certificate_arn=certificate.arn,
            validation_record_fqdns=[record.fqdn],
            opts=pulumi.ResourceOptions(parent=certificate),
        )
        return validation.certificate_arn

    def _load_balancer(
        self, cfg: StackConfig, network: Network
    ) -> tuple[aws.lb.LoadBalancer, aws.lb.Listener, aws.lb.TargetGroup]:
        load_balancer = aws.lb.LoadBalancer(
            cfg.name("students-nlb"),
            name=cfg.name("students-nlb"),
            load_balancer_type="network",
            internal=True,
            subnets=[s.id for s in network.private_subnets],
            security_groups=[network.nlb_security_group.id],
            enable_cross_zone_load_balancing=True,
            enable_deletion_protection=True,
            tags=cfg.tags_for("students-nlb"),
            opts=pulumi.ResourceOptions(parent=self),
        )
        target_group = aws.lb.TargetGroup(
            cfg.name("students-api-tg"),
            name=cfg.name("students-api-tg"),
            port=APP_PORT,
            protocol="TLS",
            target_type="ip",
            vpc_id=network.vpc.id,
            health_check=aws.lb.TargetGroupHealthCheckArgs(
                enabled=True, protocol="HTTPS", path="/health", port="traffic-port", matcher="200"
            ),
            tags=cfg.tags_for("students-api-tg"),
            opts=pulumi.ResourceOptions(parent=load_balancer),
        )
        listener = aws.lb.Listener(
            cfg.name("students-nlb-tls"),
            load_balancer_arn=load_balancer.arn,
            port=HTTPS,
            protocol="TLS",
            certificate_arn=self.certificate_arn,
            ssl_policy=TLS_POLICY,
            alpn_policy="HTTP2Preferred",
            default_actions=[aws.lb.ListenerDefaultActionArgs(type="forward", target_group_arn=target_group.arn)],
            tags=cfg.tags_for("students-nlb-tls"),
            opts=pulumi.ResourceOptions(parent=load_balancer),
        )
        return load_balancer, listener, target_group

    def _roles(
        self, cfg: StackConfig, account: pulumi.Output[Account], keys: Keys, data: Data
    ) -> tuple[aws.iam.Role, aws.iam.Role]:
        execution_role = service_role(cfg, "students-api-execution-role", "ecs-tasks.amazonaws.com", account, self)
        aws.iam.RolePolicyAttachment(
            cfg.name("students-api-execution-managed"),
            role=execution_role.name,
            policy_arn="arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy",
            opts=pulumi.ResourceOptions(parent=execution_role),
        )
        aws.iam.RolePolicy(
            cfg.name("students-api-execution-secrets"),
            role=execution_role.id,
            policy=pulumi.Output.all(data.redis_auth_secret.arn, keys.arn("secrets")).apply(
                lambda arns: json.dumps(
                    document(
                        allow(["secretsmanager:GetSecretValue"], [arns[0]], "ReadRedisAuthToken"),
                        allow(["kms:Decrypt"], [arns[1]], "DecryptSecrets"),
                    )
                )
            ),
            opts=pulumi.ResourceOptions(parent=execution_role),
        )
        task_role = service_role(cfg, "students-api-task-role", "ecs-tasks.amazonaws.com", account, self)
        aws.iam.RolePolicy(
            cfg.name("students-api-task-access"),
            role=task_role.id,
            policy=pulumi.Output.all(
                account,
                data.cluster.cluster_resource_id,
                data.stream.arn,
                keys.arn("kinesis"),
                data.file_system.arn,
                data.access_point.arn,
            ).apply(lambda args: json.dumps(_task_policy(*args))),
            opts=pulumi.ResourceOptions(parent=task_role),
        )
        return execution_role, task_role

    def _task_definition(
        self, cfg: StackConfig, data: Data, execution_role: aws.iam.Role, task_role: aws.iam.Role
    ) -> aws.ecs.TaskDefinition:
        definitions = pulumi.Output.all(
            self.log_group.name,
            data.redis.primary_endpoint_address,
            data.redis_auth_secret.arn,
            data.cluster.endpoint,
            data.stream.name,
        ).apply(lambda args: container_definitions(cfg.container_image, args[0], cfg.region, *args[1:]))
        return aws.ecs.TaskDefinition(
            cfg.name("students-api"),
            family=cfg.name("students-api"),
            cpu="512",
            memory="1024",
            network_mode="awsvpc",
            requires_compatibilities=["FARGATE"],
            execution_role_arn=execution_role.arn,
            task_role_arn=task_role.arn,
            container_definitions=definitions,
            volumes=[
                aws.ecs.TaskDefinitionVolumeArgs(
                    name=DOCUMENTS_VOLUME,
                    efs_volume_configuration=aws.ecs.TaskDefinitionVolumeEfsVolumeConfigurationArgs(
                        file_system_id=data.file_system.id,
                        transit_encryption="ENABLED",
                        authorization_config=aws.ecs.TaskDefinitionVolumeEfsVolumeConfigurationAuthorizationConfigArgs(
                            access_point_id=data.access_point.id, iam="ENABLED"
                        ),
                    ),
                )
            ],
            tags=cfg.tags_for("students-api"),
            opts=pulumi.ResourceOptions(parent=self),
        )


def _task_policy(
    account: Account, cluster_resource_id: str, stream_arn: str, stream_key_arn: str, fs_arn: str, ap_arn: str
) -> dict[str, Any]:
    statements = [
        allow(["rds-db:connect"], [account.arn("rds-db", f"dbuser:{cluster_resource_id}/students_app")], "IamDbAuth"),
        allow(["kinesis:PutRecord", "kinesis:PutRecords", "kinesis:DescribeStreamSummary"], [stream_arn], "Events"),
        allow(["kms:GenerateDataKey"], [stream_key_arn], "EncryptEvents"),
        allow(["elasticfilesystem:ClientMount", "elasticfilesystem:ClientWrite"], [fs_arn], "Documents"),
    ]
    statements[-1]["Condition"] = {"StringEquals": {"elasticfilesystem:AccessPointArn": ap_arn}}
    return document(*statements)
