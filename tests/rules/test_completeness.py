"""Every rule of the registry is covered by the kit: fixture cases that really pass and
really fail through the engine, and every output format reaches the leak and fuzz tests."""

from __future__ import annotations

import pytest

from ferpaguard.evidence import FORMATS, WRITERS
from policies.model import Status
from policies.registry import all_rules
from tests.hardening import test_export_fuzz, test_secret_leak
from tests.rules.fixture_files import FIXTURE_DIR, all_fixtures, evaluate, verdict

NOT_YET_CONVERTED: frozenset[str] = frozenset()
"""Policy names whose behaviour is still only in tests/rules/test_*.py, not yet in a fixture file."""

RULES = [rule.meta.name for rule in all_rules()]


def reached_statuses(policy: str) -> set[Status]:
    """Statuses the rule's fixture cases (baselines included) produce through the engine."""
    return {verdict(evaluate(fixture, case))
            for fixture in all_fixtures() if fixture.policy == policy
            for case in (fixture.baseline_case, *fixture.cases)}


@pytest.mark.parametrize("policy", [name for name in RULES if name not in NOT_YET_CONVERTED])
def test_rule_has_fixture_cases_that_pass_and_fail(policy: str) -> None:
    reached = reached_statuses(policy)
    assert Status.PASS in reached, f"no fixture case of {policy} passes (tests/rules/fixtures/{policy}.yaml)"
    assert Status.FAIL in reached, f"no fixture case of {policy} fails (tests/rules/fixtures/{policy}.yaml)"


@pytest.mark.parametrize("policy", [name for name in RULES if name not in NOT_YET_CONVERTED])
def test_rule_has_its_fixture_file(policy: str) -> None:
    assert (FIXTURE_DIR / f"{policy}.yaml").is_file(), f"{policy} has no tests/rules/fixtures/{policy}.yaml"


def test_not_yet_converted_lists_only_rules_without_fixtures() -> None:
    with_fixtures = {fixture.policy for fixture in all_fixtures()}
    assert NOT_YET_CONVERTED <= set(RULES), NOT_YET_CONVERTED - set(RULES)
    assert not NOT_YET_CONVERTED & with_fixtures, "converted: remove them from NOT_YET_CONVERTED"


def test_leak_and_fuzz_tests_cover_every_output_format() -> None:
    assert tuple(WRITERS) == FORMATS
    for module in (test_secret_leak, test_export_fuzz):
        assert set(module.ALL_FORMATS) == set(FORMATS), module.__name__
