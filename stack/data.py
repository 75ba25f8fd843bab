"""The data tier: Aurora PostgreSQL Serverless v2, ElastiCache Redis, Kinesis and
EFS, each encrypted at rest under its own customer-managed key of the stack,
TLS-only, in subnets with no route to the internet."""

from __future__ import annotations

import pulumi
import pulumi_aws as aws

from .config import StackConfig
from .keys import Keys
from .network import POSTGRES, REDIS, Network
from .observability import Observability

BACKUP_RETENTION_DAYS = 14
AURORA_ENGINE_VERSION = "16.4"
AURORA_PARAMETER_FAMILY = "aurora-postgresql16"


class Data(pulumi.ComponentResource):
    def __init__(
        self,
        name: str,
        cfg: StackConfig,
        keys: Keys,
        network: Network,
        observability: Observability,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        super().__init__("ferpaguard:reference:Data", name, None, opts)
        self._cfg = cfg
        self._keys = keys
        self._network = network
        self._observability = observability
        self.cluster, self.instances = self._aurora()
        self.redis_auth_secret = self._redis_auth_secret()
        self.redis = self._redis()
        self.stream = self._stream()
        self.file_system, self.access_point = self._file_system()
        self.register_outputs(
            {
                "cluster_endpoint": self.cluster.endpoint,
                "redis_endpoint": self.redis.primary_endpoint_address,
                "stream_name": self.stream.name,
                "file_system_id": self.file_system.id,
            }
        )

    def _aurora(self) -> tuple[aws.rds.Cluster, list[aws.rds.ClusterInstance]]:
        cfg, child = self._cfg, pulumi.ResourceOptions(parent=self)
        cluster_id = cfg.name("students-db")
        subnets = aws.rds.SubnetGroup(
            cfg.name("students-db-subnets"),
            name=cfg.name("students-db-subnets"),
            subnet_ids=[s.id for s in self._network.data_subnets],
            tags=cfg.tags_for("students-db-subnets"),
            opts=child,
        )
        parameters = aws.rds.ClusterParameterGroup(
            cfg.name("students-db-params"),
            name=cfg.name("students-db-params"),
            family=AURORA_PARAMETER_FAMILY,
            description="FERPA: TLS-only connections and connection auditing",
            parameters=[
                aws.rds.ClusterParameterGroupParameterArgs(name="rds.force_ssl", value="1"),
                aws.rds.ClusterParameterGroupParameterArgs(name="log_connections", value="1"),
                aws.rds.ClusterParameterGroupParameterArgs(name="log_disconnections", value="1"),
            ],
            tags=cfg.tags_for("students-db-params"),
            opts=child,
        )
        # RDS creates this group on first export; creating it here puts it under the CMK and retention.
        log_group = self._observability.log_group(
            "students-db-postgresql-logs", f"/aws/rds/cluster/{cluster_id}/postgresql", parent=self
        )
        cluster = aws.rds.Cluster(
            cluster_id,
            cluster_identifier=cluster_id,
            engine="aurora-postgresql",
            engine_mode="provisioned",
            engine_version=AURORA_ENGINE_VERSION,
            database_name="students",
            master_username="ferpa_admin",
            manage_master_user_password=True,
            master_user_secret_kms_key_id=self._keys.arn("secrets"),
            iam_database_authentication_enabled=True,
            storage_encrypted=True,
            kms_key_id=self._keys.arn("rds"),
            db_subnet_group_name=subnets.name,
            db_cluster_parameter_group_name=parameters.name,
            vpc_security_group_ids=[self._network.database_security_group.id],
            port=POSTGRES,
            serverlessv2_scaling_configuration=aws.rds.ClusterServerlessv2ScalingConfigurationArgs(
                min_capacity=0.5, max_capacity=8
            ),
            backup_retention_period=BACKUP_RETENTION_DAYS,
            preferred_backup_window="07:00-09:00",
            copy_tags_to_snapshot=True,
            deletion_protection=True,
            skip_final_snapshot=False,
            final_snapshot_identifier=cfg.name("students-db-final"),
            enabled_cloudwatch_logs_exports=["postgresql"],
            tags=cfg.tags_for("students-db"),
            opts=pulumi.ResourceOptions(parent=self, depends_on=[log_group]),
        )
        instances = [
            aws.rds.ClusterInstance(
                cfg.name(f"students-db-{index}"),
                identifier=cfg.name(f"students-db-{index}"),
                cluster_identifier=cluster.id,
                instance_class="db.serverless",
                engine=cluster.engine,
                engine_version=cluster.engine_version,
                availability_zone=zone,
                db_subnet_group_name=subnets.name,
                publicly_accessible=False,
                performance_insights_enabled=True,
                performance_insights_kms_key_id=self._keys.arn("rds"),
                auto_minor_version_upgrade=True,
                tags=cfg.tags_for(f"students-db-{index}"),
                opts=pulumi.ResourceOptions(parent=cluster),
            )
            for index, zone in enumerate(cfg.availability_zones)
        ]
        return cluster, instances

    def _redis_auth_secret(self) -> aws.secretsmanager.Secret:
        cfg = self._cfg
        secret = aws.secretsmanager.Secret(
            cfg.name("students-cache-auth"),
            name=cfg.name("students-cache-auth"),
            description="AUTH token of the student-records Redis replication group",
            kms_key_id=self._keys.arn("secrets"),
            recovery_window_in_days=30,
            tags=cfg.tags_for("students-cache-auth"),
            opts=pulumi.ResourceOptions(parent=self),
        )
        aws.secretsmanager.SecretVersion(
            cfg.name("students-cache-auth-value"),
            secret_id=secret.id,
            secret_string=cfg.redis_auth_token,
            opts=pulumi.ResourceOptions(parent=secret),
        )
        return secret

    def _redis(self) -> aws.elasticache.ReplicationGroup:
        cfg, child = self._cfg, pulumi.ResourceOptions(parent=self)
        subnets = aws.elasticache.SubnetGroup(
            cfg.name("students-cache-subnets"),
            name=cfg.name("students-cache-subnets"),
            description="Isolated data subnets for the student-records cache",
            subnet_ids=[s.id for s in self._network.data_subnets],
            tags=cfg.tags_for("students-cache-subnets"),
            opts=child,
        )
        slow_log = self._observability.log_group(
            "students-cache-slow-log", f"/ferpa/{cfg.environment_suffix}/elasticache/slow-log", parent=self
        )
        return aws.elasticache.ReplicationGroup(
            cfg.name("students-cache"),
            replication_group_id=cfg.name("students-cache"),
            description="Student-records cache (FERPA)",
            engine="redis",
            engine_version="7.1",
            node_type="cache.t4g.small",
            port=REDIS,
            num_cache_clusters=2,
            preferred_cache_cluster_azs=list(cfg.availability_zones),
            automatic_failover_enabled=True,
            multi_az_enabled=True,
            at_rest_encryption_enabled=True,
            kms_key_id=self._keys.arn("elasticache"),
            transit_encryption_enabled=True,
            transit_encryption_mode="required",
            auth_token=cfg.redis_auth_token,
            subnet_group_name=subnets.name,
            security_group_ids=[self._network.cache_security_group.id],
            snapshot_retention_limit=7,
            snapshot_window="05:00-06:00",
            auto_minor_version_upgrade=True,
            log_delivery_configurations=[
                aws.elasticache.ReplicationGroupLogDeliveryConfigurationArgs(
                    destination=slow_log.name,
                    destination_type="cloudwatch-logs",
                    log_format="json",
                    log_type="slow-log",
                )
            ],
            tags=cfg.tags_for("students-cache"),
            opts=child,
        )

    def _stream(self) -> aws.kinesis.Stream:
        cfg = self._cfg
        return aws.kinesis.Stream(
            cfg.name("student-events"),
            name=cfg.name("student-events"),
            shard_count=2,
            retention_period=168,
            stream_mode_details=aws.kinesis.StreamStreamModeDetailsArgs(stream_mode="PROVISIONED"),
            encryption_type="KMS",
            kms_key_id=self._keys.arn("kinesis"),
            tags=cfg.tags_for("student-events"),
            opts=pulumi.ResourceOptions(parent=self),
        )

    def _file_system(self) -> tuple[aws.efs.FileSystem, aws.efs.AccessPoint]:
        cfg = self._cfg
        file_system = aws.efs.FileSystem(
            cfg.name("student-documents"),
            creation_token=cfg.name("student-documents"),
            encrypted=True,
            kms_key_id=self._keys.arn("efs"),
            performance_mode="generalPurpose",
            throughput_mode="elastic",
            lifecycle_policies=[aws.efs.FileSystemLifecyclePolicyArgs(transition_to_ia="AFTER_30_DAYS")],
            tags=cfg.tags_for("student-documents"),
            opts=pulumi.ResourceOptions(parent=self),
        )
        in_fs = pulumi.ResourceOptions(parent=file_system)
        for index, subnet in enumerate(self._network.private_subnets):
            aws.efs.MountTarget(
                cfg.name(f"student-documents-mount-{index}"),
                file_system_id=file_system.id,
                subnet_id=subnet.id,
                security_groups=[self._network.efs_security_group.id],
                opts=in_fs,
            )
        access_point = aws.efs.AccessPoint(
            cfg.name("student-documents-ap"),
            file_system_id=file_system.id,
            posix_user=aws.efs.AccessPointPosixUserArgs(uid=1000, gid=1000),
            root_directory=aws.efs.AccessPointRootDirectoryArgs(
                path="/students",
                creation_info=aws.efs.AccessPointRootDirectoryCreationInfoArgs(
                    owner_uid=1000, owner_gid=1000, permissions="750"
                ),
            ),
            tags=cfg.tags_for("student-documents-ap"),
            opts=in_fs,
        )
        return file_system, access_point
