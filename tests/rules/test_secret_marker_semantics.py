"""Secrets never reach a message, an evidence value or an output format, whatever rule reads them.

Every rule is walked over the resources of every fixture case (tests/rules/fixtures): each
string and number in them, one at a time, is replaced by a secret marker (a JSON policy or
OpenAPI body is decoded first, so its insides are positions too), and each object or list is
wrapped as a secret whole. The rule runs as the gate and the audit run it (ferpaguard.evaluate,
with the rules that settle its unknowns), and then every finding collected is written in every
output format. The marker must appear nowhere.
"""

from __future__ import annotations

import datetime as dt
import functools
import inspect
import json
import sys
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest

from ferpaguard.evaluate import evaluate
from ferpaguard.evidence import FORMATS, write_all
from ferpaguard.run import InputRef, RunResult
from policies.model import Finding, Resource
from policies.registry import Rule, all_rules
from policies.settings import PackSettings
from policies.values import SECRET_SIG, SIG_KEY
from tests.rules.fixture_files import Fixture, all_fixtures, apply, resources_of, rule_for

MARKER = "SECRET-MARKER-7f3a"
NUMBER_MARKER = 97315
Position = tuple[str | int, ...]


def wrap(value: Any) -> dict[str, Any]:
    return {SIG_KEY: SECRET_SIG, "value": value}


def decoded(value: Any) -> Any:
    """A JSON document held as text (a policy, an OpenAPI body), as the object it encodes."""
    if isinstance(value, str) and value[:1] in "{[":
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value


def expand(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {k: expand(decoded(v)) for k, v in value.items()}
    if isinstance(value, list):
        return [expand(decoded(v)) for v in value]
    return value


def positions(value: Any, path: Position = ()) -> Iterator[tuple[Position, Any]]:
    """Every position below the root, with what it holds; secret wrappers are left alone."""
    if isinstance(value, Mapping):
        if value.get(SIG_KEY) == SECRET_SIG:
            return
        for key, item in value.items():
            yield (*path, key), item
            yield from positions(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield (*path, index), item
            yield from positions(item, (*path, index))


def replaced(root: Any, path: Position, new: Any) -> Any:
    if not path:
        return new
    head, rest = path[0], path[1:]
    if isinstance(root, list):
        copy = list(root)
        copy[int(head)] = replaced(copy[int(head)], rest, new)
        return copy
    return {**root, head: replaced(root[head], rest, new)}


def strings_in(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, Mapping):
        for item in value.values():
            yield from strings_in(item)
    elif isinstance(value, list):
        for item in value:
            yield from strings_in(item)


@functools.cache
def rules_by_id() -> dict[str, Rule]:
    return {rule.meta.id: rule for rule in all_rules()}


def with_resolvers(rule: Rule) -> list[Rule]:
    """The rule and those that settle its unknowns in the gate and the audit."""
    module = sys.modules[(rule.check or rule.check_stack).__module__]  # type: ignore[union-attr]
    ids = set(getattr(module, "RESOLVED_BY", {}).values()) - {rule.meta.id}
    return [rule, *(rules_by_id()[i] for i in sorted(ids))]


def case_stacks() -> list[tuple[str, Fixture, list[dict[str, Any]]]]:
    """The resources of every fixture case (fixture form), labelled."""
    found = []
    for fixture in all_fixtures():
        for case in (fixture.baseline_case, *fixture.cases):
            found.append((f"{fixture.label}:{case.name}", fixture, apply(fixture, case)))
    return found


CASES = case_stacks()
COLLECTED: list[Finding] = []


def run(fixture: Fixture, raw: list[dict[str, Any]]) -> list[Finding]:
    rule = rule_for(fixture)
    resources: list[Resource] = resources_of(raw)
    return evaluate(resources, PackSettings(), rules=with_resolvers(rule), use_outputs=fixture.view == "audit",
                    judge_deployed=fixture.view == "audit").findings


def leaked(found: list[Finding], needles: set[str]) -> list[tuple[str, str]]:
    hits = []
    for finding in found:
        text = finding.message + " " + json.dumps(dict(finding.evidence), default=str)
        hits.extend((finding.rule_id, needle) for needle in needles if needle in text)
    return hits


def fixed_text(fixture: Fixture) -> str:
    """Everything a rule may say on its own: its module and the modules it builds on."""
    modules = {sys.modules[(r.check or r.check_stack).__module__] for r in with_resolvers(rule_for(fixture))}  # type: ignore[union-attr]
    modules |= {sys.modules["policies.checks"], sys.modules["policies.policy_documents"]}
    return "".join(inspect.getsource(module) for module in modules)


@pytest.mark.parametrize(("label", "fixture", "raw"), CASES, ids=[label for label, _, _ in CASES])
def test_no_secret_value_reaches_a_message_or_evidence(label: str, fixture: Fixture, raw: list[dict[str, Any]]) -> None:
    expanded = [{**r, "props": expand(r.get("props") or {}), "outputs": expand(r.get("outputs") or {})} for r in raw]
    fixed = fixed_text(fixture)
    names = " ".join(r["name"] for r in raw)
    for index, resource in enumerate(expanded):
        for field in ("props", "outputs"):
            for path, value in list(positions(resource[field])):
                if isinstance(value, bool) or not isinstance(value, str | int | float | dict | list):
                    continue
                if isinstance(value, str | int | float):
                    marker = MARKER if isinstance(value, str) else NUMBER_MARKER
                    changed = replaced(resource[field], path, wrap(marker))
                    needles = {str(marker)}
                else:
                    changed = replaced(resource[field], path, wrap(value))
                    # What the wrapped object holds, less what the rule or the stack says anyway.
                    needles = {s for s in strings_in(value) if len(s) >= 6 and s not in fixed and s not in names
                               and not any(s in str(v) for j, r in enumerate(expanded) if j != index
                                           for v in strings_in(r))}
                stack = [*expanded[:index], {**resource, field: changed}, *expanded[index + 1:]]
                found = run(fixture, stack)
                hits = leaked(found, needles)
                assert not hits, f"{label}: secret at {field}.{'.'.join(map(str, path))} shown by {hits}"
                COLLECTED.extend(f for f in found if f.status.value != "pass")


def test_no_secret_marker_reaches_any_output_format(tmp_path: Path) -> None:
    assert COLLECTED, "runs after the per-case walk; run the whole module"
    unique = {(f.rule_id, f.urn, f.message): f for f in COLLECTED}
    moment = dt.datetime(2026, 12, 1, tzinfo=dt.UTC)
    result = RunResult(command="gate", tool_version="0", pack_name="ferpaguard", pack_version="0",
                       pack_hash="a" * 64, inputs=[InputRef(path="Pulumi.yaml", sha256="b" * 64, kind="program")],
                       started=moment, finished=moment, findings=list(unique.values()))
    written = write_all(result, FORMATS, tmp_path)
    assert written
    for path in written:
        text = path.read_bytes().decode("utf-8", errors="replace")
        assert MARKER not in text and str(NUMBER_MARKER) not in text, path.name
