"""CKV_FERPA_1: a REST API VPC Link targets only Network Load Balancer ARNs (mirrors FERPA-LINK-01)."""

from __future__ import annotations

from typing import Any

from checkov.common.models.enums import CheckCategories, CheckResult
from checkov.terraform.checks.resource.base_resource_check import BaseResourceCheck

NLB_MARKER = ":loadbalancer/net/"
ARN_PREFIX = "arn:"


def _flatten(value: Any) -> list[Any]:
    if isinstance(value, list):
        return [item for element in value for item in _flatten(element)]
    return [value]


class VpcLinkTargetsNetworkLoadBalancer(BaseResourceCheck):
    def __init__(self) -> None:
        super().__init__(
            name="Ensure API Gateway VPC Links target only Network Load Balancer ARNs",
            id="CKV_FERPA_1",
            categories=[CheckCategories.NETWORKING],
            supported_resources=["aws_api_gateway_vpc_link"],
        )

    def scan_resource_conf(self, conf: dict[str, Any]) -> CheckResult:
        self.evaluated_keys = ["target_arns"]
        targets = [t for t in _flatten(conf.get("target_arns")) if t is not None]
        if not targets:
            return CheckResult.FAILED
        if any(not isinstance(t, str) or not t.startswith(ARN_PREFIX) for t in targets):
            # A reference to another resource (value unknown until apply): CKV2_FERPA_1 follows it.
            return CheckResult.UNKNOWN
        if all(NLB_MARKER in t for t in targets):
            return CheckResult.PASSED
        return CheckResult.FAILED


check = VpcLinkTargetsNetworkLoadBalancer()
