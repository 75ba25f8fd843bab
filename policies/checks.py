"""Building blocks the rule modules share. Each returns the non-pass outcomes
for one property, so a rule reads as a list of requirements."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from policies.model import Outcome, fail, unknown
from policies.values import MISSING, SECRET_PRESENT, UNKNOWN, get, redact, truth

AWS_MANAGED_ALIAS = "alias/aws/"


def is_aws_managed_key(value: str) -> bool:
    return AWS_MANAGED_ALIAS in value


def require_true(props: Mapping[str, Any], path: str, why: str) -> list[Outcome]:
    """`path` must be true; absent counts as false (AWS's default) unless stated otherwise."""
    value = get(props, path)
    state = truth(value)
    if state is None:
        return [unknown(f"{path} is not known during preview; {why}", **{path: "<unknown>"})]
    if not state:
        shown = "absent" if value is MISSING else repr(redact(value))
        return [fail(f"{path} is {shown}; {why}", **{path: redact(value) if value is not MISSING else None})]
    return []


def require_not_true(props: Mapping[str, Any], path: str, why: str) -> list[Outcome]:
    """`path` must not be true (absent is fine)."""
    value = get(props, path)
    state = truth(value)
    if state is None:
        return [unknown(f"{path} is not known during preview; {why}", **{path: "<unknown>"})]
    if state:
        return [fail(f"{path} is true; {why}", **{path: True})]
    return []


def require_cmk(props: Mapping[str, Any], path: str = "kmsKeyId", what: str = "data") -> list[Outcome]:
    """`path` must name a customer-managed KMS key (not absent, not alias/aws/*)."""
    value = get(props, path)
    if value is UNKNOWN:
        return [
            unknown(
                f"{path} is not known during preview (computed from another resource); "
                "FERPA-ENC-11 resolves it to a key of the stack",
                **{path: "<unknown>"},
            )
        ]
    if value is MISSING:
        return [fail(f"{path} is not set: {what} is encrypted with an AWS-managed key, not a customer-managed key", **{path: None})]
    if value is SECRET_PRESENT:
        return []
    if not isinstance(value, str) or not value.strip():
        return [fail(f"{path} is not a KMS key ARN or id: {redact(value)!r}", **{path: redact(value)})]
    if is_aws_managed_key(value):
        return [fail(f"{path} {value} is an AWS-managed key alias, not a customer-managed key", **{path: value})]
    return []
