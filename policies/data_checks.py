"""Building blocks for the data-service rules (caches, search, warehouses, streaming,
analytics): settings whose AWS default is on, and settings that must take one of a few values."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Any

from policies.checks import require_cmk, require_true, shown
from policies.model import Outcome, fail, unknown
from policies.values import MISSING, UNKNOWN, get, truth


def require_not_false(props: Mapping[str, Any], path: str, why: str) -> list[Outcome]:
    """`path` must not be false; absent is AWS's default of true."""
    value = get(props, path)
    if value is MISSING:
        return []
    state = truth(value)
    if state is None:
        return [unknown(f"{path} is not known during preview; {why}", **{path: "<unknown>"})]
    if not state:
        safe = shown(props, path, value)
        return [fail(f"{path} is {safe!r}; {why}", **{path: safe})]
    return []


def require_one_of(
    props: Mapping[str, Any], path: str, allowed: Collection[str], why: str, *, absent_means: str | None = None
) -> list[Outcome]:
    """`path` must be one of `allowed` (compared case-insensitively); `absent_means` is AWS's default
    when the property is not set (None: absent fails)."""
    value = get(props, path)
    if value is UNKNOWN:
        return [unknown(f"{path} is not known during preview; {why}", **{path: "<unknown>"})]
    accepted = {item.lower() for item in allowed}
    if value is MISSING:
        if absent_means is not None and absent_means.lower() in accepted:
            return []
        default = f" (AWS's default: {absent_means})" if absent_means else ""
        return [fail(f"{path} is absent{default}; {why}", **{path: None})]
    if isinstance(value, str) and value.strip().lower() in accepted:
        return []
    safe = shown(props, path, value)
    return [fail(f"{path} is {safe!r}; {why}", **{path: safe})]


def first_failure(*checks: list[Outcome]) -> list[Outcome]:
    """The outcomes of checks that build on one another: stop at the first that fails."""
    collected: list[Outcome] = []
    for outcomes in checks:
        collected.extend(outcomes)
        if any(outcome.status == "fail" for outcome in outcomes):
            return collected
    return collected


def require_encrypted_cmk(props: Mapping[str, Any], flag: str, key: str, why: str, what: str) -> list[Outcome]:
    """Encryption switched on at `flag` (absent is off) with a customer-managed key at `key`."""
    return first_failure(require_true(props, flag, why), require_cmk(props, key, what))
