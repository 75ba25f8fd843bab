"""CKV_FERPA_2: ElastiCache replication groups require TLS, not merely offer it (mirrors FERPA-TLS-01)."""

from __future__ import annotations

from typing import Any

from checkov.common.models.enums import CheckCategories, CheckResult
from checkov.terraform.checks.resource.base_resource_check import BaseResourceCheck


def _first(value: Any) -> Any:
    while isinstance(value, list) and value:
        value = value[0]
    return value


class ElastiCacheTransitEncryptionRequired(BaseResourceCheck):
    def __init__(self) -> None:
        super().__init__(
            name="Ensure ElastiCache replication groups require in-transit encryption (mode not 'preferred')",
            id="CKV_FERPA_2",
            categories=[CheckCategories.ENCRYPTION],
            supported_resources=["aws_elasticache_replication_group"],
        )

    def scan_resource_conf(self, conf: dict[str, Any]) -> CheckResult:
        self.evaluated_keys = ["transit_encryption_enabled", "transit_encryption_mode"]
        enabled = _first(conf.get("transit_encryption_enabled"))
        if enabled is not True and str(enabled).lower() != "true":
            return CheckResult.FAILED
        mode = _first(conf.get("transit_encryption_mode"))
        if isinstance(mode, str) and mode.lower() == "preferred":
            return CheckResult.FAILED
        return CheckResult.PASSED


check = ElastiCacheTransitEncryptionRequired()
