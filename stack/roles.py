"""IAM roles that an AWS service assumes, named and tagged the stack's way."""

from __future__ import annotations

import json

import pulumi
import pulumi_aws as aws

from .config import StackConfig
from .documents import Account, assume_role


def service_role(
    cfg: StackConfig, name: str, service: str, account: pulumi.Output[Account], parent: pulumi.Resource
) -> aws.iam.Role:
    """A role only `service` (for example `ecs-tasks.amazonaws.com`) of this account may assume."""
    return aws.iam.Role(
        cfg.name(name),
        name=cfg.name(name),
        assume_role_policy=account.apply(lambda acct: json.dumps(assume_role(service, acct))),
        tags=cfg.tags_for(name),
        opts=pulumi.ResourceOptions(parent=parent),
    )
