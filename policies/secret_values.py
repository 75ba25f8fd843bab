"""Whether a credential reaches the engine as a Pulumi secret, for the rules about
passwords and secret values written into a program."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from policies.model import Outcome, fail, unknown
from policies.values import MISSING, UNKNOWN, get, is_secret_at

NOT_SHOWN = "[plain text, not shown]"


def plain_text(props: Mapping[str, Any], path: str, remedy: str) -> Outcome | None:
    """A failure when the value at `path` is plain text (never shown), unknown when it is not known
    yet, None when it is absent or a Pulumi secret."""
    if is_secret_at(props, path):
        return None
    value = get(props, path)
    if value is MISSING:
        return None
    if value is UNKNOWN:
        return unknown(f"{path} is not known during preview, so whether it is a secret cannot be told")
    return fail(f"{path} {remedy}", **{path: NOT_SHOWN})
