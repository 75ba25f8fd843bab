"""A student-session cache with neither encryption at rest nor TLS (and so no
AUTH token either: ElastiCache accepts one only with transit encryption)."""

import pulumi
import pulumi_aws as aws

environment_suffix = pulumi.Config().get("environmentSuffix") or "dev"
tags = {"Environment": environment_suffix, "DataClassification": "FERPA"}

aws.elasticache.ReplicationGroup(
    f"student-cache-{environment_suffix}",
    replication_group_id=f"student-cache-{environment_suffix}",
    description="Student session cache",
    engine="redis",
    engine_version="7.1",
    node_type="cache.t3.medium",
    num_cache_clusters=2,
    automatic_failover_enabled=True,
    multi_az_enabled=True,
    subnet_group_name=f"student-cache-subnets-{environment_suffix}",
    snapshot_retention_limit=5,
    tags=tags,
)
