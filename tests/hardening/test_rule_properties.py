"""Property-based tests over every rule of the catalogue.

Resource rules get arbitrary property dicts of their resource types (their real
property names mixed with arbitrary keys; unknown sentinels, secret wrappers,
wrong types, NaN/inf, None, deep nesting); stack rules get small random graphs
with dangling references. No rule may raise (the engine would report "rule
error"), every status is a defined Status, and a secret's plaintext never
reaches a message or evidence. A compliant baseline with one required value
made unknown must be `unknown`: never pass, never fail.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from policies.engine import run_resource_rule, run_stack_rule
from policies.graph import Graph
from policies.model import Outcome, Resource, Status
from policies.registry import Rule, all_rules
from policies.settings import PolicySettings
from policies.values import SECRET_SIG, SIG_KEY
from tests.hardening import tally
from tests.hardening.baselines import BASELINES, Baseline
from tests.hardening.strategies import (
    LEAK_MARKER,
    SENTINELS,
    props_for,
    rule_by_id,
    set_path,
    stack_graphs,
    urn_of,
)

RESOURCE_RULES = [rule.meta.id for rule in all_rules() if rule.check is not None]
STACK_RULES = [rule.meta.id for rule in all_rules() if rule.check_stack is not None]
# Chosen so that the whole file runs in about a minute on a 2-core CI machine.
RESOURCE_EXAMPLES = 120
SECRET_EXAMPLES = 40
STACK_EXAMPLES = 80
PROFILE = {"deadline": None, "derandomize": True, "database": None,
           "suppress_health_check": [HealthCheck.too_slow, HealthCheck.data_too_large]}


def default_settings(rule: Rule) -> PolicySettings:
    return PolicySettings(rule.meta.enforcement, rule.meta.defaults())


def assert_well_formed(outcomes: Iterable[Outcome]) -> None:
    for outcome in outcomes:
        assert isinstance(outcome.status, Status), outcome
        assert isinstance(outcome.message, str), outcome
        assert not outcome.message.startswith("rule error"), outcome.message
        json.dumps(dict(outcome.evidence), default=str)


def assert_no_marker(outcomes: Iterable[Outcome]) -> None:
    for outcome in outcomes:
        assert LEAK_MARKER not in outcome.message, outcome.message
        assert LEAK_MARKER not in json.dumps(dict(outcome.evidence), default=str), outcome.evidence


def run_on_each_type(rule: Rule, props: dict[str, Any]) -> list[Outcome]:
    outcomes: list[Outcome] = []
    for type_ in rule.meta.resource_types:
        resource = Resource(urn=urn_of(type_, "subject"), type=type_, name="subject", props=props)
        outcomes += run_resource_rule(rule, resource, default_settings(rule))
    return outcomes


@pytest.mark.parametrize("rule_id", RESOURCE_RULES)
@settings(max_examples=RESOURCE_EXAMPLES, **PROFILE)
@given(data=st.data())
def test_resource_rule_answers_any_props(rule_id: str, data: st.DataObject) -> None:
    rule = rule_by_id(rule_id)
    with tally.timed(f"rule {rule_id}"):
        props = data.draw(props_for(rule_id), label="props")
        assert_well_formed(run_on_each_type(rule, props))
    tally.count(f"rule {rule_id}")


@pytest.mark.parametrize("rule_id", RESOURCE_RULES + STACK_RULES)
@settings(max_examples=SECRET_EXAMPLES, **PROFILE)
@given(data=st.data())
def test_secret_plaintext_never_reaches_outcomes(rule_id: str, data: st.DataObject) -> None:
    rule = rule_by_id(rule_id)
    with tally.timed(f"secrets {rule_id}"):
        if rule.check is not None:
            props = data.draw(props_for(rule_id, secret_marker=True), label="props")
            outcomes = run_on_each_type(rule, props)
        else:
            resources, use_outputs = data.draw(stack_graphs(rule_id, secret_marker=True), label="graph")
            outcomes = run_stack_rule(rule, Graph(resources, use_outputs=use_outputs), default_settings(rule))
        assert_well_formed(outcomes)
        assert_no_marker(outcomes)
    tally.count(f"secrets {rule_id}")


@pytest.mark.parametrize("rule_id", STACK_RULES)
@settings(max_examples=STACK_EXAMPLES, **PROFILE)
@given(data=st.data())
def test_stack_rule_answers_any_graph(rule_id: str, data: st.DataObject) -> None:
    rule = rule_by_id(rule_id)
    with tally.timed(f"stack {rule_id}"):
        resources, use_outputs = data.draw(stack_graphs(rule_id), label="graph")
        outcomes = run_stack_rule(rule, Graph(resources, use_outputs=use_outputs), default_settings(rule))
        assert_well_formed(outcomes)
        known = {r.urn for r in resources}
        for outcome in outcomes:
            # An empty URN is a finding about the stack as a whole (e.g. "no CloudTrail trail").
            assert not outcome.urn or outcome.urn in known, f"outcome about a resource not in the stack: {outcome}"
    tally.count(f"stack {rule_id}")


def baseline_cases() -> list[tuple[str, Baseline]]:
    return [(rule_id, baseline) for rule_id, baselines in BASELINES.items() for baseline in baselines]


def test_every_resource_rule_has_a_baseline() -> None:
    assert sorted(BASELINES) == sorted(RESOURCE_RULES)
    for rule_id, baselines in BASELINES.items():
        covered = {t for b in baselines for t in b.types}
        assert covered == set(rule_by_id(rule_id).meta.resource_types), rule_id
        assert all(b.required for b in baselines), rule_id


@pytest.mark.parametrize(("rule_id", "baseline"), baseline_cases(),
                         ids=[f"{r}-{b.label}" for r, b in baseline_cases()])
def test_baseline_is_compliant(rule_id: str, baseline: Baseline) -> None:
    rule = rule_by_id(rule_id)
    for type_ in baseline.types:
        outcomes = run_resource_rule(rule, Resource(urn_of(type_, "subject"), type_, "subject", baseline.props),
                                     default_settings(rule))
        assert [o.status for o in outcomes] == [Status.PASS], (type_, outcomes)


def replaced(props: dict[str, Any], path: str, sentinel: str) -> dict[str, Any]:
    copy = json.loads(json.dumps(props))
    set_path(copy, path, sentinel)
    return copy


@pytest.mark.parametrize(("rule_id", "baseline"), baseline_cases(),
                         ids=[f"{r}-{b.label}" for r, b in baseline_cases()])
def test_one_unknown_required_value_is_never_pass_nor_fail(rule_id: str, baseline: Baseline) -> None:
    rule = rule_by_id(rule_id)
    wrapped_unknowns = [*SENTINELS, *({SIG_KEY: SECRET_SIG, "value": s} for s in SENTINELS)]
    ciphertext = {SIG_KEY: SECRET_SIG, "ciphertext": "AAAAbm90LXJlYWRhYmxl"}
    for path in baseline.required:
        if path in baseline.secrecy_only:
            unreadable = list(SENTINELS)
        elif path in baseline.presence_only:
            unreadable = wrapped_unknowns
        else:
            unreadable = [*wrapped_unknowns, ciphertext]
        for sentinel in unreadable:
            props = replaced(baseline.props, path, sentinel)
            for type_ in baseline.types:
                resource = Resource(urn_of(type_, "subject"), type_, "subject", props)
                outcomes = run_resource_rule(rule, resource, default_settings(rule))
                statuses = {o.status for o in outcomes}
                assert Status.UNKNOWN in statuses, (path, sentinel, type_, outcomes)
                assert not statuses & {Status.PASS, Status.FAIL}, (path, sentinel, type_, outcomes)
                assert_well_formed(outcomes)
                tally.count(f"unknown-required {rule_id}")


def test_the_generator_reads_f_string_paths_that_name_no_property() -> None:
    # f"{a}.{b}" in a rule module renders as "0.0": no property path to place values at.
    from tests.hardening import strategies

    assert "0.0" in strategies._string_constants('path = f"{a}.{b}"')
    props: dict = {"kept": 1}
    strategies.set_path(props, "0.0", "value")
    strategies.set_path(props, "0.cidrBlocks", "value")
    assert props == {"kept": 1, "cidrBlocks": "value"}
    for rule in all_rules():
        _, paths, _ = strategies.rule_vocabulary(rule.meta.id)
        assert all(not all(part.isdigit() for part in path.split(".")) for path in paths), rule.meta.id
