"""The SDK internals the mock harness uses (`ferpaguard/sources/_sdkcompat.py`), pinned.

An upgrade of pulumi in requirements.txt fails here first, loudly: re-check every private
use listed in `private_surface_problems()`, run the gate tests, then raise `NEWEST_SDK`.
"""

from __future__ import annotations

import json
import subprocess
from collections.abc import Callable
from importlib.metadata import version
from pathlib import Path

import pytest

from ferpaguard.sources import _sdkcompat
from ferpaguard.sources import program as program_source

SOURCES = Path(program_source.__file__).parent
OLDEST = ("pulumi==3.100.0", "pulumi-aws==6.18.0")
CHECK = (
    "import json, sys\nsys.path.insert(0, {sources!r})\nimport _sdkcompat\n"
    "print(json.dumps([_sdkcompat.check_sdk(), _sdkcompat.private_surface_problems()]))\n"
)


def test_ferpaguards_own_pulumi_is_the_newest_tested_sdk() -> None:
    installed = version("pulumi")
    newest = ".".join(map(str, _sdkcompat.NEWEST_SDK))
    assert installed == newest, (
        f"pulumi {installed} is installed but the mock harness was checked against {newest}: re-check the private "
        "uses in _sdkcompat.private_surface_problems(), run tests/gate, then raise _sdkcompat.NEWEST_SDK"
    )


def surface(python: Path) -> tuple[str, list[str]]:
    done = subprocess.run([str(python), "-c", CHECK.format(sources=str(SOURCES))], capture_output=True, text=True,
                          timeout=120, check=True)
    found, problems = json.loads(done.stdout)
    return found, problems


def test_the_private_surface_is_as_expected_in_the_newest_sdk() -> None:
    import sys

    assert surface(Path(sys.executable)) == (version("pulumi"), [])


def test_the_private_surface_is_as_expected_in_the_oldest_sdk(python_env: Callable[..., Path]) -> None:
    found = surface(python_env(*OLDEST) / "bin" / "python")
    assert found == (".".join(map(str, _sdkcompat.OLDEST_SDK)), [])


def test_a_changed_internal_is_named(monkeypatch: pytest.MonkeyPatch) -> None:
    import pulumi.resource
    from pulumi.runtime import mocks

    monkeypatch.setattr(pulumi.resource, "register_resource", lambda resource, type_, name, opts=None: None)
    monkeypatch.setattr(mocks.MockMonitor, "Invoke", None)
    assert _sdkcompat.private_surface_problems() == [
        "pulumi.resource.register_resource(res, ty, name, ...)",
        "MockMonitor.Invoke",
    ]
    with pytest.raises(_sdkcompat.UnsupportedSdk, match=r"changed SDK internals the gate relies on: pulumi\.resource"):
        _sdkcompat.check_sdk()


@pytest.mark.parametrize(("installed", "supported"), [("3.100.0", True), ("3.272.0", True), ("3.400.1", True),
                                                      ("3.99.9", False), ("2.25.0", False), ("4.0.0", False)])
def test_the_supported_range(monkeypatch: pytest.MonkeyPatch, installed: str, supported: bool) -> None:
    monkeypatch.setattr(_sdkcompat, "package_version", lambda name: installed)
    if supported:
        assert _sdkcompat.check_sdk() == installed
    else:
        with pytest.raises(_sdkcompat.UnsupportedSdk, match=rf"pulumi {installed} is not supported"):
            _sdkcompat.check_sdk()


@pytest.mark.parametrize(
    ("value", "sent"),
    [
        ({"4dabf18193072939515e22adb298388d": "5cf8f73096256a8f31e491e813e4eb8e", "urn": "urn:x", "id": ""},
         "04da6b54-80e4-46f7-96ec-b56ff0331ba9"),
        ({"4dabf18193072939515e22adb298388d": "5cf8f73096256a8f31e491e813e4eb8e", "urn": "urn:x", "id": "i-1"}, "i-1"),
        ({"4dabf18193072939515e22adb298388d": "5cf8f73096256a8f31e491e813e4eb8e", "urn": "urn:c"}, "urn:c"),
        ({"list": [{"4dabf18193072939515e22adb298388d": "5cf8f73096256a8f31e491e813e4eb8e", "urn": "urn:c"}]},
         {"list": ["urn:c"]}),
    ],
)
def test_resource_references_are_sent_as_the_engine_sends_them(value: object, sent: object) -> None:
    assert _sdkcompat.as_engine_sends(value) == sent


SECRET = {"4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", "value": "s3cr3t"}


@pytest.mark.parametrize(
    ("given", "returned"),
    [
        ({"Version": "2012-10-17"}, '{"Version": "2012-10-17"}'),
        ({"Resource": ["04da6b54-80e4-46f7-96ec-b56ff0331ba9"]}, "04da6b54-80e4-46f7-96ec-b56ff0331ba9"),
        ({"Sid": SECRET}, {**SECRET, "value": '{"Sid": "s3cr3t"}'}),
        ("already text", "already text"),
    ],
)
def test_an_object_given_for_a_string_output_comes_back_as_json_text(given: object, returned: object) -> None:
    assert _sdkcompat._as_declared(given, str) == returned
    assert _sdkcompat._as_declared(given, list[str]) == given
