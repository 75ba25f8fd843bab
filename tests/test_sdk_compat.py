"""The pack's uses of pulumi-policy internals (policies/sdk_compat.py), pinned to the SDK version they were read from.

An SDK upgrade that moves any of these names must fail here, loudly, rather than
silently change what policies see (secret wrappers, unknown sentinels).
"""

from __future__ import annotations

import importlib.metadata
import inspect

from pulumi_policy import policy as sdk_policy
from pulumi_policy import proxy as sdk_proxy

from policies import sdk_compat

UNKNOWN = sdk_proxy.UNKNOWN_STRING_VALUE  # the engine's wire sentinel


def test_installed_pulumi_policy_is_the_version_the_patches_were_read_from() -> None:
    installed = importlib.metadata.version("pulumi-policy")
    assert installed == sdk_compat.TESTED_PULUMI_POLICY, (
        f"pulumi-policy {installed} is installed; policies/sdk_compat.py was checked against "
        f"{sdk_compat.TESTED_PULUMI_POLICY}: re-read the SDK, then update TESTED_PULUMI_POLICY"
    )


def test_the_sdk_still_deserializes_through_the_module_global_the_patch_replaces() -> None:
    source = inspect.getsource(sdk_policy)
    assert source.count("deserialize_properties(") >= 3
    original = sdk_policy.deserialize_properties
    try:
        sdk_compat.install()
        wrapped = {"password": {"4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", "value": "x"}}
        assert sdk_policy.deserialize_properties(wrapped) == wrapped
    finally:
        sdk_policy.deserialize_properties = original


def test_plain_reads_through_the_sdks_unknown_checking_proxies() -> None:
    proxied = sdk_proxy.unknown_checking_proxy({"a": [{"b": UNKNOWN}], "c": 1})
    assert isinstance(proxied, sdk_compat._PROXY_TYPES)
    assert sdk_compat.plain(proxied) == {"a": [{"b": UNKNOWN}], "c": 1}


def test_unknown_values_error_is_what_the_sdk_catches_with_our_message() -> None:
    error = sdk_compat.unknown_values_error("one\ntwo")
    assert isinstance(error, sdk_proxy.UnknownValueError)
    assert error.message == "one\ntwo"
    # The SDK reports `e.message` on the advisory path; make sure it still reads that attribute.
    assert "except UnknownValueError as e" in inspect.getsource(sdk_policy)
    assert "e.message" in inspect.getsource(sdk_policy)
