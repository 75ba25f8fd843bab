"""Aurora PostgreSQL with unencrypted storage and an instance that is publicly
accessible: the two classic ways a student-records database leaks."""

import pulumi
import pulumi_aws as aws

environment_suffix = pulumi.Config().get("environmentSuffix") or "dev"
tags = {"Environment": environment_suffix, "DataClassification": "FERPA"}

parameters = aws.rds.ClusterParameterGroup(
    f"student-db-params-{environment_suffix}",
    name=f"student-db-params-{environment_suffix}",
    family="aurora-postgresql16",
    parameters=[aws.rds.ClusterParameterGroupParameterArgs(name="rds.force_ssl", value="1")],
    tags=tags,
)
cluster = aws.rds.Cluster(
    f"student-db-{environment_suffix}",
    cluster_identifier=f"student-db-{environment_suffix}",
    engine="aurora-postgresql",
    engine_mode="provisioned",
    engine_version="16.4",
    database_name="students",
    master_username="ferpa_admin",
    manage_master_user_password=True,
    db_subnet_group_name=f"student-db-subnets-{environment_suffix}",
    db_cluster_parameter_group_name=parameters.name,
    serverlessv2_scaling_configuration=aws.rds.ClusterServerlessv2ScalingConfigurationArgs(
        min_capacity=0.5, max_capacity=4
    ),
    backup_retention_period=7,
    deletion_protection=True,
    iam_database_authentication_enabled=True,
    enabled_cloudwatch_logs_exports=["postgresql"],
    tags=tags,
)
aws.rds.ClusterInstance(
    f"student-db-instance-{environment_suffix}",
    identifier=f"student-db-instance-{environment_suffix}",
    cluster_identifier=cluster.id,
    instance_class="db.serverless",
    engine=cluster.engine,
    engine_version=cluster.engine_version,
    publicly_accessible=True,
    tags=tags,
)
