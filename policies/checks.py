"""Building blocks the rule modules share. Each returns the non-pass outcomes
for one property, so a rule reads as a list of requirements."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from policies.model import Outcome, Status, fail, unknown
from policies.values import (
    MISSING,
    REDACTED,
    SECRET_PRESENT,
    UNKNOWN,
    UNKNOWN_SHOWN,
    as_number,
    get,
    is_ciphertext_at,
    is_secret_at,
    redact,
    truth,
)

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
        if value is MISSING:
            return [fail(f"{path} is absent; {why}", **{path: None})]
        safe = shown(props, path, value)
        return [fail(f"{path} is {safe!r}; {why}", **{path: safe})]
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


def require_cmk(
    props: Mapping[str, Any], path: str = "kmsKeyId", what: str = "data", resolver: str = "FERPA-ENC-11"
) -> list[Outcome]:
    """`path` must name a customer-managed KMS key (not absent, not alias/aws/*); `resolver` names what
    ties a computed key ARN to a key of the stack."""
    value = get(props, path)
    if value is UNKNOWN:
        return [
            unknown(
                f"{path} is not known during preview (computed from another resource); "
                f"{resolver} resolves it to a key of the stack",
                **{path: UNKNOWN_SHOWN},
            )
        ]
    if value is MISSING:
        message = f"{path} is not set: {what} is encrypted with an AWS-managed key, not a customer-managed key"
        return [fail(message, **{path: None})]
    if value is SECRET_PRESENT:
        message = f"{path} is a secret that cannot be read here; which key it names is unknown"
        return [unknown(message, **{path: REDACTED})]
    safe = shown(props, path, value)
    if not isinstance(value, str) or not value.strip():
        return [fail(f"{path} is not a KMS key ARN or id: {safe!r}", **{path: safe})]
    if is_aws_managed_key(value):
        return [fail(f"{path} {safe} is an AWS-managed key alias, not a customer-managed key", **{path: safe})]
    return []


def require_at_least(
    props: Mapping[str, Any], path: str, minimum: float, why: str, *, absent_means: float, unit: str = "days"
) -> list[Outcome]:
    """`path` must be a number >= `minimum`; `absent_means` is AWS's default when the property is not set."""
    value = get(props, path)
    if value is UNKNOWN:
        return [unknown(f"{path} is not known during preview; {why}", **{path: "<unknown>"})]
    if value is SECRET_PRESENT:
        return [unknown(f"{path} is a secret that cannot be read; {why}", **{path: REDACTED})]
    if value is MISSING:
        if absent_means >= minimum:
            return []
        return [
            fail(
                f"{path} is absent (AWS's default: {absent_means:g}); at least {minimum:g} {unit} required; {why}",
                **{path: None},
            )
        ]
    number = as_number(value)
    secret = is_secret_at(props, path)
    if number is None or not math.isfinite(number):
        shown = REDACTED if secret else redact(value)
        return [fail(f"{path} is not a number: {shown!r}; {why}", **{path: shown})]
    if number < minimum:
        if secret:
            return [fail(f"{path} (a secret) is below {minimum:g} {unit}; {why}", **{path: REDACTED})]
        return [fail(f"{path} is {number:g} {unit}; at least {minimum:g} {unit} required; {why}", **{path: number})]
    return []


def config_number(config: Mapping[str, Any], key: str, default: float) -> float:
    """A numeric pack setting, falling back to the catalogue default when absent or malformed."""
    number = as_number(config.get(key))
    return default if number is None else number


def best_of(verdicts: list[Outcome]) -> Outcome:
    """The verdict for a resource that several attached resources may satisfy (policies,
    configurations): any pass wins, then any unknown; otherwise all failures, joined."""
    for status in (Status.PASS, Status.UNKNOWN):
        for verdict in verdicts:
            if verdict.status is status:
                return verdict
    return fail("; ".join(verdict.message for verdict in verdicts))


def shown(props: Mapping[str, Any], path: str, value: Any) -> Any:
    """`value` (read from `path`) made safe for messages and evidence: redacted when it sits under a secret."""
    return REDACTED if is_secret_at(props, path) else redact(value)


def is_present(props: Mapping[str, Any], path: str) -> bool | None:
    """Tri-state presence: True when set (a secret counts), False when absent or empty, None when unknown."""
    value = get(props, path)
    if value is UNKNOWN:
        return True if is_ciphertext_at(props, path) else None
    if value is MISSING:
        return False
    if isinstance(value, str | list | tuple | dict) and not value:
        return False
    return True
