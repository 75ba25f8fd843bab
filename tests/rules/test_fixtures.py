"""Runs every case of every rule fixture file (tests/rules/fixtures/*.yaml) through the
engine and checks its status and message fragment. The format: docs/adding-a-rule.md."""

from __future__ import annotations

from pathlib import Path

import pytest

from policies.model import RuleKind
from policies.registry import by_name
from policies.values import SECRET_SIG, SIG_KEY, UNKNOWN_STRING
from tests.rules.fixture_files import (
    FIXTURE_DIR,
    Case,
    Fixture,
    FixtureError,
    all_cases,
    all_fixtures,
    evaluate,
    parse,
    verdict,
)

CASES = all_cases()


@pytest.mark.parametrize(("fixture", "case"), CASES, ids=[f"{f.label}:{c.name}" for f, c in CASES])
def test_fixture_case(fixture: Fixture, case: Case) -> None:
    outcomes = evaluate(fixture, case)
    shown = [(o.status.value, o.message) for o in outcomes]
    assert verdict(outcomes) is case.status, f"{fixture.path.name} {case.name}: {shown}"
    if case.message:
        fragment = case.message.lower()
        assert any(fragment in o.message.lower() for o in outcomes if o.status is case.status), (
            f"{fixture.path.name} {case.name}: no {case.status.value} message contains {case.message!r}: {shown}")


def test_every_fixture_names_a_policy_of_the_registry() -> None:
    policies = by_name()
    for fixture in all_fixtures():
        assert fixture.policy in policies, fixture.path.name


def test_a_malformed_fixture_is_refused_with_its_problem(tmp_path: Path) -> None:
    path = tmp_path / "kms-key-rotation.yaml"
    path.write_text("policy: kms-key-rotation\nbaseline: []\nexpect: pass\n", encoding="utf-8")
    with pytest.raises(FixtureError, match="baseline is empty"):
        parse(path)
    path.write_text("policy: kms-key-rotation\nbaseline: [{type: t, name: a}]\nexpect: passes\n", encoding="utf-8")
    with pytest.raises(FixtureError, match="'passes' is not one of"):
        parse(path)
    path.write_text("policy: kms-key-rotation\nbaseline: [{type: t, name: a}]\nexpect: pass\n"
                    "cases: [{name: c, status: fail, set: {b: {props.x: 1}}}]\n", encoding="utf-8")
    with pytest.raises(FixtureError, match="resource 'b', which is not in the baseline"):
        parse(path)
    path.write_text("policy: kms-key-rotation\nbaseline: [{type: t, name: a}]\nexpect: pass\nextra: 1\n",
                    encoding="utf-8")
    with pytest.raises(FixtureError, match="unknown key"):
        parse(path)


def test_a_fixture_named_for_another_policy_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "secret-cmk.yaml"
    path.write_text("policy: kms-key-rotation\nbaseline: [{type: t, name: a}]\nexpect: pass\n", encoding="utf-8")
    with pytest.raises(FixtureError, match="does not match the file name"):
        parse(path)


def test_fixture_dir_holds_only_fixture_files() -> None:
    assert sorted(p.suffix for p in FIXTURE_DIR.iterdir()) == [".yaml"] * len(list(FIXTURE_DIR.iterdir()))


def test_tags_give_the_engine_wire_forms(tmp_path: Path) -> None:
    path = tmp_path / "kms-key-rotation.yaml"
    path.write_text(
        "policy: kms-key-rotation\nexpect: pass\nbaseline:\n"
        "  - {type: t, name: a, props: {u: !unknown , s: !secret hunter2, n: !secret 5, j: !json {A: [1]},\n"
        "                               q: !secret '{not: yaml}', e: !secret }}\n",
        encoding="utf-8")
    props = parse(path).baseline[0]["props"]
    assert props == {"u": UNKNOWN_STRING, "s": {SIG_KEY: SECRET_SIG, "value": "hunter2"},
                     "n": {SIG_KEY: SECRET_SIG, "value": 5}, "j": '{"A": [1]}',
                     "q": {SIG_KEY: SECRET_SIG, "value": "{not: yaml}"}, "e": {SIG_KEY: SECRET_SIG, "value": None}}


def _has_path(root: object, path: str) -> bool:
    node = root
    for step in path.split("."):
        if isinstance(node, dict) and step in node:
            node = node[step]
        elif isinstance(node, list) and step.isdigit() and int(step) < len(node):
            node = node[int(step)]
        else:
            return False
    return True


def test_hardening_blocks_belong_to_resource_rules_and_name_real_paths() -> None:
    rules = by_name()
    for fixture in all_fixtures():
        if fixture.hardening is None:
            continue
        meta = rules[fixture.policy].meta
        assert meta.kind is RuleKind.RESOURCE, f"{fixture.path.name}: hardening is for resource rules"
        assert set(fixture.hardening.types) <= set(meta.resource_types), fixture.path.name
        props = fixture.subject_resource().get("props") or {}
        for path in {*fixture.hardening.required, *fixture.hardening.presence_only, *fixture.hardening.secrecy_only}:
            assert _has_path(props, path), f"{fixture.path.name}: hardening path {path!r} is not in the subject's props"
        assert set(fixture.hardening.presence_only) | set(fixture.hardening.secrecy_only) <= set(
            fixture.hardening.required), fixture.path.name
