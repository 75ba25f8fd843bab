"""IAM and resource policy documents as plain dicts. Every principal is named;
the only "*" principals are in Deny statements."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

Document = dict[str, Any]


@dataclass(frozen=True, slots=True)
class Account:
    """Where the stack runs, for ARNs and key policies."""

    account_id: str
    partition: str
    region: str

    @property
    def root(self) -> str:
        return f"arn:{self.partition}:iam::{self.account_id}:root"

    def arn(self, service: str, resource: str, *, regional: bool = True) -> str:
        region = self.region if regional else ""
        return f"arn:{self.partition}:{service}:{region}:{self.account_id}:{resource}"


def document(*statements: Document) -> Document:
    return {"Version": "2012-10-17", "Statement": list(statements)}


def assume_role(service: str, account: Account) -> Document:
    return document(
        {
            "Effect": "Allow",
            "Principal": {"Service": service},
            "Action": "sts:AssumeRole",
            "Condition": {"StringEquals": {"aws:SourceAccount": account.account_id}},
        }
    )


def _account_administration(account: Account) -> Document:
    return {
        "Sid": "AccountAdministration",
        "Effect": "Allow",
        "Principal": {"AWS": account.root},
        "Action": "kms:*",
        "Resource": "*",
    }


def key_policy(account: Account, *service_statements: Document) -> Document:
    """A key policy that delegates to the account's IAM plus the named service grants."""
    return document(_account_administration(account), *service_statements)


def logs_service_grant(account: Account) -> Document:
    """CloudWatch Logs may use the key only for log groups of this account and region."""
    return {
        "Sid": "CloudWatchLogs",
        "Effect": "Allow",
        "Principal": {"Service": f"logs.{account.region}.amazonaws.com"},
        "Action": ["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"],
        "Resource": "*",
        "Condition": {"ArnLike": {"kms:EncryptionContext:aws:logs:arn": account.arn("logs", "log-group:*")}},
    }


def cloudtrail_service_grant(account: Account, trail_arn: str) -> Document:
    return {
        "Sid": "CloudTrailEncryptLogs",
        "Effect": "Allow",
        "Principal": {"Service": "cloudtrail.amazonaws.com"},
        "Action": ["kms:GenerateDataKey*", "kms:DescribeKey"],
        "Resource": "*",
        "Condition": {
            "StringEquals": {"aws:SourceArn": trail_arn},
            "StringLike": {"kms:EncryptionContext:aws:cloudtrail:arn": account.arn("cloudtrail", "trail/*")},
        },
    }


def trail_bucket_policy(bucket_arn: str, trail_arn: str, account: Account) -> Document:
    return document(
        {
            "Sid": "CloudTrailAclCheck",
            "Effect": "Allow",
            "Principal": {"Service": "cloudtrail.amazonaws.com"},
            "Action": "s3:GetBucketAcl",
            "Resource": bucket_arn,
            "Condition": {"StringEquals": {"aws:SourceArn": trail_arn}},
        },
        {
            "Sid": "CloudTrailWrite",
            "Effect": "Allow",
            "Principal": {"Service": "cloudtrail.amazonaws.com"},
            "Action": "s3:PutObject",
            "Resource": f"{bucket_arn}/AWSLogs/{account.account_id}/*",
            "Condition": {"StringEquals": {"s3:x-amz-acl": "bucket-owner-full-control", "aws:SourceArn": trail_arn}},
        },
        deny_insecure_bucket_transport(bucket_arn),
    )


def deny_insecure_bucket_transport(bucket_arn: str) -> Document:
    return {
        "Sid": "DenyInsecureTransport",
        "Effect": "Deny",
        "Principal": {"AWS": "*"},
        "Action": "s3:*",
        "Resource": [bucket_arn, f"{bucket_arn}/*"],
        "Condition": {"Bool": {"aws:SecureTransport": "false"}},
    }


def access_log_bucket_policy(bucket_arn: str, account: Account) -> Document:
    """S3 server access logs of this account's buckets may be written, over TLS only."""
    return document(
        {
            "Sid": "S3ServerAccessLogs",
            "Effect": "Allow",
            "Principal": {"Service": "logging.s3.amazonaws.com"},
            "Action": "s3:PutObject",
            "Resource": f"{bucket_arn}/*",
            "Condition": {"StringEquals": {"aws:SourceAccount": account.account_id}},
        },
        deny_insecure_bucket_transport(bucket_arn),
    )


def efs_policy(file_system_arn: str, task_role_arn: str, access_point_arn: str) -> Document:
    """Only the task role, through the access point and a mount target, over TLS."""
    return document(
        {
            "Sid": "TaskRoleThroughAccessPoint",
            "Effect": "Allow",
            "Principal": {"AWS": task_role_arn},
            "Action": ["elasticfilesystem:ClientMount", "elasticfilesystem:ClientWrite"],
            "Resource": file_system_arn,
            "Condition": {
                "Bool": {"elasticfilesystem:AccessedViaMountTarget": "true"},
                "StringEquals": {"elasticfilesystem:AccessPointArn": access_point_arn},
            },
        },
        {
            "Sid": "DenyInsecureTransport",
            "Effect": "Deny",
            "Principal": {"AWS": "*"},
            "Action": "*",
            "Resource": file_system_arn,
            "Condition": {"Bool": {"aws:SecureTransport": "false"}},
        },
    )


def allow(actions: list[str], resources: list[str], sid: str | None = None) -> Document:
    statement: Document = {"Effect": "Allow", "Action": actions, "Resource": resources}
    if sid:
        statement["Sid"] = sid
    return statement
