"""Builders shared by the rule tests: plain resources in engine wire form, and
one call to run a rule exactly as the pack, the gate and the audit run it."""

from __future__ import annotations

import functools
import importlib
import json
from collections.abc import Iterable, Mapping
from typing import Any

from policies import catalogue
from policies.engine import run_resource_rule, run_stack_rule
from policies.graph import Graph
from policies.model import Outcome, Resource, Status
from policies.registry import Rule
from policies.settings import PolicySettings
from policies.values import SECRET_SIG, SIG_KEY, UNKNOWN_STRING

UNKNOWN = UNKNOWN_STRING
"""The preview sentinel for an unknown string (most computed properties)."""


def secret(value: Any) -> dict[str, Any]:
    """`value` wrapped as the engine sends a Pulumi secret."""
    return {SIG_KEY: SECRET_SIG, "value": value}


def policy_json(*statements: Mapping[str, Any]) -> str:
    """A policy document with `statements`, as the JSON string the engine sends."""
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def urn_for(type_: str, name: str) -> str:
    return f"urn:pulumi:test::ferpaguard::{type_}::{name}"


def res(
    type_: str,
    props: Mapping[str, Any] | None = None,
    urn: str | None = None,
    name: str = "subject",
    *,
    outputs: Mapping[str, Any] | None = None,
    property_dependencies: Mapping[str, Iterable[str]] | None = None,
    id: str | None = None,
) -> Resource:
    """A resource of `type_` with input `props`; the URN defaults to one built from type and name."""
    return Resource(
        urn=urn or urn_for(type_, name),
        type=type_,
        name=name,
        props=dict(props or {}),
        outputs=dict(outputs or {}),
        property_dependencies={k: tuple(v) for k, v in (property_dependencies or {}).items()},
        id=id,
    )


@functools.cache
def rule(rule_id: str) -> Rule:
    """The rule with its catalogue metadata, loaded from policies/rules/<policy name>.py.

    Loaded directly (not through registry.all_rules) so that one rule's tests do
    not depend on every catalogue rule having a module.
    """
    meta = catalogue.load().rule(rule_id)
    module = importlib.import_module(f"policies.rules.{meta.name.replace('-', '_')}")
    assert module.RULE_ID == rule_id, f"{module.__name__} declares {module.RULE_ID}, not {rule_id}"
    return Rule(meta, getattr(module, "check", None), getattr(module, "check_stack", None))


def settings(rule_id: str, **config: Any) -> PolicySettings:
    meta = rule(rule_id).meta
    return PolicySettings(meta.enforcement, {**meta.defaults(), **config})


def run(rule_id: str, resource: Resource, **config: Any) -> list[Outcome]:
    """Outcomes of a resource rule on `resource`, with the catalogue defaults overridden by `config`."""
    return run_resource_rule(rule(rule_id), resource, settings(rule_id, **config))


def run_stack(rule_id: str, resources: Iterable[Resource], use_outputs: bool = False, **config: Any) -> list[Outcome]:
    """Outcomes of a stack rule over `resources`."""
    return run_stack_rule(rule(rule_id), Graph(resources, use_outputs=use_outputs), settings(rule_id, **config))


def statuses(outcomes: Iterable[Outcome]) -> list[Status]:
    return [outcome.status for outcome in outcomes]


def only(outcomes: list[Outcome]) -> Outcome:
    """The single outcome; fails the test when there are several or none."""
    assert len(outcomes) == 1, f"expected one outcome, got {outcomes}"
    return outcomes[0]


def for_urn(outcomes: Iterable[Outcome], urn: str) -> list[Outcome]:
    return [outcome for outcome in outcomes if outcome.urn == urn]


def assert_no_secret(outcomes: Iterable[Outcome], plaintext: str) -> None:
    """No message or evidence carries `plaintext`."""
    for outcome in outcomes:
        assert plaintext not in outcome.message
        assert plaintext not in json.dumps(dict(outcome.evidence), default=str)


def _deep(levels: int) -> Any:
    value: Any = "x"
    for _ in range(levels):
        value = {"a": [value]}
    return value


ODD_VALUES: tuple[Any, ...] = (
    None,
    "",
    "true",
    "yes please",
    1,
    0,
    2.5,
    float("nan"),
    [],
    ["*"],
    [None, 3, {"x": 1}],
    {},
    {"unexpected": "object"},
    _deep(200),
    UNKNOWN,
    secret(None),
    {SIG_KEY: SECRET_SIG, "ciphertext": "AAAA"},
)
"""Values of the wrong type or shape; rules must answer them without raising."""


def assert_no_rule_error(outcomes: Iterable[Outcome]) -> None:
    """The rule answered: the engine turns an exception into an `unknown` "rule error" outcome."""
    for outcome in outcomes:
        assert not outcome.message.startswith("rule error"), outcome.message
