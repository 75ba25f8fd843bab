"""One customer-managed KMS key per service, rotated, with explicit key policies."""

from __future__ import annotations

import json
from collections.abc import Callable

import pulumi
import pulumi_aws as aws

from .config import StackConfig
from .documents import Account, Document, cloudtrail_service_grant, key_policy, logs_service_grant

PURPOSES = ("rds", "elasticache", "kinesis", "efs", "secrets", "logs", "cloudtrail", "backup")


UNKNOWN_ACCOUNT = "000000000000"


def current_account(region: str) -> pulumi.Output[Account]:
    """The caller's account and partition (one provider invoke). Mocked runs that
    answer the invoke with nothing get a placeholder account, never a crash."""
    identity = aws.get_caller_identity_output()
    return identity.apply(
        lambda found: Account(
            account_id=found.account_id or UNKNOWN_ACCOUNT,
            partition=found.arn.split(":")[1] if found.arn else "aws",
            region=region,
        )
    )


def trail_name(cfg: StackConfig) -> str:
    return cfg.name("ferpa-audit-trail")


class Keys(pulumi.ComponentResource):
    def __init__(
        self, name: str, cfg: StackConfig, account: pulumi.Output[Account], opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__("ferpaguard:reference:Keys", name, None, opts)
        grants: dict[str, Callable[[Account], list[Document]]] = {
            "logs": lambda acct: [logs_service_grant(acct)],
            "cloudtrail": lambda acct: [
                cloudtrail_service_grant(acct, acct.arn("cloudtrail", f"trail/{trail_name(cfg)}"))
            ],
        }
        self.keys: dict[str, aws.kms.Key] = {}
        for purpose in PURPOSES:
            extra = grants.get(purpose, lambda _acct: [])
            key_name = cfg.name(f"ferpa-{purpose}-key")
            key = aws.kms.Key(
                key_name,
                description=f"FERPA {purpose} data key ({cfg.environment_suffix})",
                enable_key_rotation=True,
                deletion_window_in_days=30,
                policy=account.apply(lambda acct, extra=extra: json.dumps(key_policy(acct, *extra(acct)))),
                tags=cfg.tags_for(f"ferpa-{purpose}-key"),
                opts=pulumi.ResourceOptions(parent=self),
            )
            aws.kms.Alias(
                cfg.name(f"ferpa-{purpose}-alias"),
                name=f"alias/{key_name}",
                target_key_id=key.key_id,
                opts=pulumi.ResourceOptions(parent=key),
            )
            self.keys[purpose] = key
        self.register_outputs({f"{purpose}_key_arn": key.arn for purpose, key in self.keys.items()})

    def arn(self, purpose: str) -> pulumi.Output[str]:
        return self.keys[purpose].arn
