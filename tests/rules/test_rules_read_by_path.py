"""Resource rules look properties up by path and never depend on the top-level key order.

The audit's deployed view relies on it (ferpaguard.evaluate._deployed_view): when the provider
state holds every input, the outputs stand for the inputs overlaid with the outputs, whose keys
come in another order. Every fixture case runs here with the subject's properties in a mapping
that refuses to be iterated: a rule that walked the top-level keys would fail, not pass unseen."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import replace
from typing import Any

import pytest

from policies.engine import run_resource_rule
from policies.model import RuleKind
from tests.rules.fixture_files import Case, Fixture, all_cases, apply, resources_of, rule_for, settings_for


class _LookupOnly(Mapping[str, Any]):
    def __init__(self, props: Mapping[str, Any]) -> None:
        self._props = props

    def __getitem__(self, key: str) -> Any:
        return self._props[key]

    def __iter__(self) -> Iterator[str]:
        raise AssertionError("a rule iterated the top-level properties")

    def __len__(self) -> int:
        raise AssertionError("a rule asked how many top-level properties there are")


RESOURCE_CASES = [(f, c) for f, c in all_cases() if rule_for(f).meta.kind is RuleKind.RESOURCE]


@pytest.mark.parametrize(("fixture", "case"), RESOURCE_CASES, ids=[f"{f.label}:{c.name}" for f, c in RESOURCE_CASES])
def test_a_rule_gives_the_same_outcomes_reading_its_properties_by_lookup_only(fixture: Fixture, case: Case) -> None:
    rule = rule_for(fixture)
    settings = settings_for(rule, fixture, case)
    subject_name = case.subject or fixture.subject
    resources = resources_of(apply(fixture, case))
    originals = [r["name"] for r in fixture.baseline if r["name"] not in case.remove] + [r["name"] for r in case.add]
    subject = next(r for r, name in zip(resources, originals, strict=True) if name == subject_name)
    plain = run_resource_rule(rule, subject, settings)
    lookup_only = run_resource_rule(rule, replace(subject, props=_LookupOnly(subject.props)), settings)
    assert lookup_only == plain


def test_the_deployed_view_is_the_inputs_overlaid_with_the_outputs() -> None:
    from ferpaguard.evaluate import _deployed_view
    from policies.model import Resource

    superset = Resource("urn:a", "t", "a", {"x": 1, "y": {"z": [1]}}, {"y": {"z": [2]}, "x": 1, "arn": "arn:a"})
    partial = Resource("urn:b", "t", "b", {"x": 1, "only": True}, {"x": 2, "arn": "arn:b"})
    for resource in (superset, partial):
        assert dict(_deployed_view(resource).props) == {**resource.props, **resource.outputs}
    assert _deployed_view(superset).props is superset.outputs
