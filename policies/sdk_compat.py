"""Every use of pulumi-policy internals, in one place, for the pack process.

pulumi-policy has no public way to (a) hand policies the engine's wire form
(secret wrappers kept), (b) read the plain value behind its unknown-checking
proxies, or (c) report "can't run policy during preview" with a message of our
own. These three patches rely on names that are private to the SDK version
pinned in requirements.txt; `tests/test_sdk_compat.py` pins that version and
fails loudly when an upgrade moves any of them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from pulumi_policy import policy as sdk_policy
from pulumi_policy import proxy as sdk_proxy

TESTED_PULUMI_POLICY = "1.21.0"
_PROXY_TYPES = (sdk_proxy._DictProxy, sdk_proxy._ListProxy)


def keep_wire_form(props: dict[str, Any], proxy_secrets: bool = False) -> dict[str, Any]:
    """Stand-in for the SDK's deserializer: keep values exactly as the engine sent them.

    pulumi-policy unwraps secrets before policies see them, which would make a
    secret password indistinguishable from a plain one. Rules read wire form
    (secret wrappers, unknown sentinels), the same as the offline evaluator.
    """
    return dict(props)


def install() -> None:
    """Make the SDK pass properties through untouched (called once, before the pack serves)."""
    sdk_policy.deserialize_properties = keep_wire_form  # type: ignore[assignment]


def plain(value: Any, _depth: int = 0) -> Any:
    """Plain dicts and lists from the SDK's unknown-checking proxies, unknowns kept as sentinels."""
    if _depth > 200:
        return None
    if isinstance(value, _PROXY_TYPES):
        value = value["__target"]
    if isinstance(value, Mapping):
        return {str(k): plain(v, _depth + 1) for k, v in value.items()}
    if isinstance(value, Sequence) and not isinstance(value, str | bytes):
        return [plain(v, _depth + 1) for v in value]
    return value


def unknown_values_error(message: str) -> Exception:
    """The exception the SDK turns into its advisory "can't run policy during preview" report."""
    error = sdk_proxy.UnknownValueError(sdk_proxy.UNKNOWN_STRING_VALUE, [])
    error.message = message
    return error
