"""Audit logging: encrypted log groups with long retention, VPC flow logs and a
validated, KMS-encrypted CloudTrail trail (FERPA §99.32 disclosure records)."""

from __future__ import annotations

import json
from collections.abc import Callable

import pulumi
import pulumi_aws as aws

from .config import StackConfig
from .documents import Account, Document, access_log_bucket_policy, allow, document, trail_bucket_policy
from .keys import Keys, trail_name
from .network import Network
from .roles import service_role


class Observability(pulumi.ComponentResource):
    def __init__(
        self,
        name: str,
        cfg: StackConfig,
        account: pulumi.Output[Account],
        keys: Keys,
        network: Network,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        super().__init__("ferpaguard:reference:Observability", name, None, opts)
        self._cfg = cfg
        self._keys = keys
        self.flow_log_group = self.log_group("vpc-flow-logs", f"/ferpa/{cfg.environment_suffix}/vpc-flow-logs")
        self.flow_log = self._flow_log(cfg, account, network)
        self.trail = self._trail(cfg, account)
        self.register_outputs({"trail_arn": self.trail.arn, "flow_log_group": self.flow_log_group.name})

    def log_group(
        self, base: str, log_group_name: str, parent: pulumi.Resource | None = None
    ) -> aws.cloudwatch.LogGroup:
        """A log group under the logs CMK, kept for the configured retention."""
        return aws.cloudwatch.LogGroup(
            self._cfg.name(base),
            name=log_group_name,
            kms_key_id=self._keys.arn("logs"),
            retention_in_days=self._cfg.log_retention_days,
            tags=self._cfg.tags_for(base),
            opts=pulumi.ResourceOptions(parent=parent or self),
        )

    def _flow_log(self, cfg: StackConfig, account: pulumi.Output[Account], network: Network) -> aws.ec2.FlowLog:
        role = service_role(cfg, "vpc-flow-logs-role", "vpc-flow-logs.amazonaws.com", account, self)
        aws.iam.RolePolicy(
            cfg.name("vpc-flow-logs-write"),
            role=role.id,
            policy=self.flow_log_group.arn.apply(
                lambda arn: json.dumps(
                    document(
                        allow(
                            ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"],
                            [arn, f"{arn}:*"],
                        ),
                        allow(["logs:DescribeLogGroups"], ["*"]),
                    )
                )
            ),
            opts=pulumi.ResourceOptions(parent=role),
        )
        return aws.ec2.FlowLog(
            cfg.name("student-vpc-flow-log"),
            vpc_id=network.vpc.id,
            traffic_type="ALL",
            log_destination_type="cloud-watch-logs",
            log_destination=self.flow_log_group.arn,
            iam_role_arn=role.arn,
            max_aggregation_interval=60,
            tags=cfg.tags_for("student-vpc-flow-log"),
            opts=pulumi.ResourceOptions(parent=network.vpc),
        )

    def _private_bucket(
        self, base: str, prefix: str, key_purpose: str | None, policy_of: Callable[[str, Account], Document],
        account: pulumi.Output[Account],
    ) -> tuple[aws.s3.Bucket, aws.s3.BucketPolicy, aws.s3.BucketServerSideEncryptionConfiguration]:
        """A bucket closed to the public, versioned, ACLs off, with the policy `policy_of` writes; under the CMK
        of `key_purpose`, or SSE-S3 where AWS requires it (key_purpose None)."""
        cfg = self._cfg
        bucket = aws.s3.Bucket(
            cfg.name(base),
            bucket_prefix=cfg.name(prefix) + "-",
            force_destroy=False,
            tags=cfg.tags_for(base),
            opts=pulumi.ResourceOptions(parent=self),
        )
        in_bucket = pulumi.ResourceOptions(parent=bucket)
        encryption = aws.s3.BucketServerSideEncryptionConfiguration(
            cfg.name(f"{base}-sse"),
            bucket=bucket.id,
            rules=[
                aws.s3.BucketServerSideEncryptionConfigurationRuleArgs(
                    apply_server_side_encryption_by_default=aws.s3.BucketServerSideEncryptionConfigurationRuleApplyServerSideEncryptionByDefaultArgs(
                        sse_algorithm="aws:kms" if key_purpose else "AES256",
                        kms_master_key_id=self._keys.arn(key_purpose) if key_purpose else None,
                    ),
                    bucket_key_enabled=True if key_purpose else None,
                )
            ],
            opts=in_bucket,
        )
        public_access = aws.s3.BucketPublicAccessBlock(
            cfg.name(f"{base}-pab"),
            bucket=bucket.id,
            block_public_acls=True,
            block_public_policy=True,
            ignore_public_acls=True,
            restrict_public_buckets=True,
            opts=in_bucket,
        )
        aws.s3.BucketOwnershipControls(
            cfg.name(f"{base}-ownership"),
            bucket=bucket.id,
            rule=aws.s3.BucketOwnershipControlsRuleArgs(object_ownership="BucketOwnerEnforced"),
            opts=in_bucket,
        )
        aws.s3.BucketVersioning(
            cfg.name(f"{base}-versioning"),
            bucket=bucket.id,
            versioning_configuration=aws.s3.BucketVersioningVersioningConfigurationArgs(status="Enabled"),
            opts=in_bucket,
        )
        policy = aws.s3.BucketPolicy(
            cfg.name(f"{base}-policy"),
            bucket=bucket.id,
            policy=pulumi.Output.all(bucket.arn, account).apply(lambda args: json.dumps(policy_of(args[0], args[1]))),
            opts=pulumi.ResourceOptions(parent=bucket, depends_on=[public_access]),
        )
        return bucket, policy, encryption

    def _trail(self, cfg: StackConfig, account: pulumi.Output[Account]) -> aws.cloudtrail.Trail:
        name = trail_name(cfg)
        bucket, policy, encryption = self._private_bucket(
            "ferpa-audit-trail-bucket", "ferpa-trail", "cloudtrail",
            lambda arn, acct: trail_bucket_policy(arn, acct.arn("cloudtrail", f"trail/{name}"), acct), account,
        )
        # Who read or changed the audit trail itself: server access logs, in a bucket of their own (a bucket
        # logging its own access would log without end), under SSE-S3, the only encryption AWS delivers them to.
        access_logs, access_log_policy, _ = self._private_bucket(
            "ferpa-access-log-bucket", "ferpa-access-logs", None, access_log_bucket_policy, account
        )
        aws.s3.BucketLogging(
            cfg.name("ferpa-audit-trail-bucket-logging"),
            bucket=bucket.id,
            target_bucket=access_logs.id,
            target_prefix="audit-trail-bucket/",
            opts=pulumi.ResourceOptions(parent=bucket, depends_on=[access_log_policy]),
        )
        return aws.cloudtrail.Trail(
            cfg.name("ferpa-audit-trail"),
            name=name,
            s3_bucket_name=bucket.id,
            kms_key_id=self._keys.arn("cloudtrail"),
            enable_log_file_validation=True,
            enable_logging=True,
            include_global_service_events=True,
            is_multi_region_trail=True,
            tags=cfg.tags_for("ferpa-audit-trail"),
            opts=pulumi.ResourceOptions(parent=self, depends_on=[policy, encryption]),
        )
