"""An otherwise careful Aurora cluster whose master password is a string literal
in the program: it lands in the state file and in every preview, unredacted."""

import pulumi
import pulumi_aws as aws

environment_suffix = pulumi.Config().get("environmentSuffix") or "dev"
tags = {"Environment": environment_suffix, "DataClassification": "FERPA"}

rds_key = aws.kms.Key(
    f"student-rds-key-{environment_suffix}",
    description="Student records database key",
    enable_key_rotation=True,
    tags=tags,
)
parameters = aws.rds.ClusterParameterGroup(
    f"student-db-params-{environment_suffix}",
    name=f"student-db-params-{environment_suffix}",
    family="aurora-postgresql16",
    parameters=[aws.rds.ClusterParameterGroupParameterArgs(name="rds.force_ssl", value="1")],
    tags=tags,
)
aws.rds.Cluster(
    f"student-db-{environment_suffix}",
    cluster_identifier=f"student-db-{environment_suffix}",
    engine="aurora-postgresql",
    engine_mode="provisioned",
    engine_version="16.4",
    database_name="students",
    master_username="ferpa_admin",
    master_password="hunter2-plain",
    storage_encrypted=True,
    kms_key_id=rds_key.arn,
    db_subnet_group_name=f"student-db-subnets-{environment_suffix}",
    db_cluster_parameter_group_name=parameters.name,
    backup_retention_period=7,
    deletion_protection=True,
    iam_database_authentication_enabled=True,
    enabled_cloudwatch_logs_exports=["postgresql"],
    tags=tags,
)
