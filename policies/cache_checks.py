"""What the ElastiCache rules share: transit encryption and user groups, for replication
groups, single cache clusters and serverless caches alike."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from policies.checks import require_true
from policies.model import Outcome
from policies.values import UNKNOWN, as_list, get, is_unknown


def require_transit_encryption(props: Mapping[str, Any]) -> list[Outcome]:
    """transitEncryptionEnabled must be true (AWS's default is off)."""
    return require_true(
        props, "transitEncryptionEnabled", "clients may talk to the cache in plaintext (AWS's default is off)"
    )


def user_groups_present(props: Mapping[str, Any], path: str) -> bool | None:
    """True when `path` (one user group id or a list of them) names at least one, None when not known."""
    groups = get(props, path)
    if groups is UNKNOWN:
        return None
    ids = [g for g in as_list(groups) if is_unknown(g) or (isinstance(g, str) and g.strip())]
    return bool(ids)
