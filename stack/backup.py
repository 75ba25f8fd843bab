"""AWS Backup: daily recovery points of the data stores that hold student records, kept
apart from the stores themselves in a vault under its own CMK."""

from __future__ import annotations

import pulumi
import pulumi_aws as aws

from .config import StackConfig
from .data import Data
from .documents import Account
from .keys import Keys
from .roles import service_role

RETENTION_DAYS = 35
BACKUP_POLICY = "policy/service-role/AWSBackupServiceRolePolicyForBackup"


class Backup(pulumi.ComponentResource):
    def __init__(
        self,
        name: str,
        cfg: StackConfig,
        account: pulumi.Output[Account],
        keys: Keys,
        data: Data,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        super().__init__("ferpaguard:reference:Backup", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        self.vault = aws.backup.Vault(
            cfg.name("ferpa-backup-vault"),
            name=cfg.name("ferpa-backup-vault"),
            kms_key_arn=keys.arn("backup"),
            tags=cfg.tags_for("ferpa-backup-vault"),
            opts=child,
        )
        self.plan = aws.backup.Plan(
            cfg.name("ferpa-backup-plan"),
            name=cfg.name("ferpa-backup-plan"),
            rules=[
                aws.backup.PlanRuleArgs(
                    rule_name="daily",
                    target_vault_name=self.vault.name,
                    schedule="cron(0 5 * * ? *)",
                    lifecycle=aws.backup.PlanRuleLifecycleArgs(delete_after=RETENTION_DAYS),
                )
            ],
            tags=cfg.tags_for("ferpa-backup-plan"),
            opts=child,
        )
        role = service_role(cfg, "ferpa-backup-role", "backup.amazonaws.com", account, self)
        attachment = aws.iam.RolePolicyAttachment(
            cfg.name("ferpa-backup-role-policy"),
            role=role.name,
            policy_arn=account.apply(lambda acct: f"arn:{acct.partition}:iam::aws:{BACKUP_POLICY}"),
            opts=pulumi.ResourceOptions(parent=role),
        )
        self.selection = aws.backup.Selection(
            cfg.name("ferpa-backup-selection"),
            name=cfg.name("ferpa-backup-selection"),
            plan_id=self.plan.id,
            iam_role_arn=role.arn,
            resources=[data.cluster.arn, data.file_system.arn],
            opts=pulumi.ResourceOptions(parent=self.plan, depends_on=[attachment]),
        )
        self.register_outputs({"vault_arn": self.vault.arn, "plan_id": self.plan.id})
