"""Runs Pulumi programs under Pulumi's mocks, each in a fresh context so that no
program's runtime state (settings, root stack, config) leaks into the next."""

from __future__ import annotations

import contextvars
import runpy
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pulumi
import pytest
from pulumi.runtime.stack import run_pulumi_func
from pulumi.runtime.sync_await import _sync_await

ACCOUNT_ID = "123456789012"
REGION = "us-east-1"
ROOT = Path(__file__).resolve().parents[2]


@dataclass(frozen=True, slots=True)
class Registered:
    type: str
    name: str
    inputs: Mapping[str, Any]
    id: str
    outputs: Mapping[str, Any]


@dataclass(slots=True)
class Run:
    resources: list[Registered] = field(default_factory=list)
    invokes: list[str] = field(default_factory=list)
    result: Any = None

    def of_type(self, type_: str) -> list[Registered]:
        return [r for r in self.resources if r.type == type_]

    def one(self, type_: str) -> Registered:
        found = self.of_type(type_)
        assert len(found) == 1, f"expected one {type_}, found {len(found)}"
        return found[0]

    def by_output(self, key: str, value: Any) -> list[Registered]:
        return [r for r in self.resources if r.outputs.get(key) == value]


class RecordingMocks(pulumi.runtime.Mocks):
    """Echoes inputs as outputs, adds a physical id and an ARN shaped like the real one."""

    def __init__(self, run: Run) -> None:
        self.run = run

    def new_resource(self, args: pulumi.runtime.MockResourceArgs) -> tuple[str, dict[str, Any]]:
        physical_id = f"{args.name}-id"
        outputs = dict(args.inputs)
        outputs.setdefault("arn", _fake_arn(args.typ, args.name, args.inputs))
        if args.typ == "aws:kms/key:Key":
            outputs["keyId"] = physical_id
        self.run.resources.append(Registered(args.typ, args.name, dict(args.inputs), physical_id, outputs))
        return physical_id, outputs

    def call(self, args: pulumi.runtime.MockCallArgs) -> dict[str, Any]:
        self.run.invokes.append(args.token)
        if args.token == "aws:index/getCallerIdentity:getCallerIdentity":
            return {
                "accountId": ACCOUNT_ID,
                "arn": f"arn:aws:iam::{ACCOUNT_ID}:user/ci",
                "userId": "AIDAEXAMPLE",
                "id": ACCOUNT_ID,
            }
        return {}


def _fake_arn(type_: str, name: str, inputs: Mapping[str, Any]) -> str:
    service = type_.split(":")[1].split("/")[0]
    if type_ in ("aws:lb/loadBalancer:LoadBalancer", "aws:alb/loadBalancer:LoadBalancer"):
        kind = "net" if inputs.get("loadBalancerType") == "network" else "app"
        return f"arn:aws:elasticloadbalancing:{REGION}:{ACCOUNT_ID}:loadbalancer/{kind}/{name}/0123456789abcdef"
    return f"arn:aws:{service}:{REGION}:{ACCOUNT_ID}:{name}"


def run_under_mocks(
    program: Callable[[], Any],
    config: Mapping[str, str] | None = None,
    secret_keys: list[str] | None = None,
    project: str = "ferpaguard-reference",
    stack: str = "dev",
) -> Run:
    """Runs `program` to completion under mocks (not a preview: outputs resolve)."""
    run = Run()

    def isolated() -> None:
        pulumi.runtime.set_mocks(RecordingMocks(run), project=project, stack=stack, preview=False)
        pulumi.runtime.set_all_config(dict(config or {}), secret_keys or [])

        def body() -> None:
            run.result = program()

        _sync_await(run_pulumi_func(body))

    contextvars.Context().run(isolated)
    return run


def run_program_dir(directory: Path, config: Mapping[str, str] | None = None, **kwargs: Any) -> Run:
    """Runs a program directory the way the Pulumi CLI does: its __main__.py via runpy, cwd the directory."""

    def program() -> None:
        saved_path = list(sys.path)
        try:
            with pytest.MonkeyPatch.context() as patch:
                patch.chdir(directory)
                # An absolute path: run_path(".") would reuse the finder cached for "." by an earlier run.
                runpy.run_path(str(directory.resolve()), run_name="__main__")
        finally:
            sys.path[:] = saved_path

    return run_under_mocks(program, config, **kwargs)


REFERENCE_CONFIG = {
    "aws:region": REGION,
    "ferpaguard-reference:environmentSuffix": "qa7",
    "ferpaguard-reference:domainName": "students-api.qa.example.edu",
    "ferpaguard-reference:hostedZoneId": "Z0000000TEST",
    "ferpaguard-reference:redisAuthToken": "test-token-not-a-real-secret-0123456789",
}
REFERENCE_SECRET_KEYS = ["ferpaguard-reference:redisAuthToken"]
