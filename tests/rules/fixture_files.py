"""Rule fixture files (`tests/rules/fixtures/<policy-name>[.<label>].yaml`): loading
them, applying a case to the baseline, and evaluating it through `policies.engine`.

Shared by the fixture runner (tests/rules/test_fixtures.py), the completeness test
and the hardening baselines (tests/hardening/baselines.py). The format is described
in docs/adding-a-rule.md.
"""

from __future__ import annotations

import copy
import functools
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from policies.engine import run_resource_rule, run_stack_rule
from policies.graph import Graph
from policies.model import Outcome, Resource, RuleKind, Status
from policies.registry import Rule, by_name
from policies.settings import PolicySettings
from policies.values import UNKNOWN_STRING
from tests.rules.helpers import secret

FIXTURE_DIR = Path(__file__).with_name("fixtures")
REPO = FIXTURE_DIR.parents[2]
URN_PREFIX = "urn:pulumi:test::fixtures::"
STATUSES = ("pass", "fail", "unknown", "not_applicable")
VIEWS = ("preview", "audit")
_FILE_KEYS = {"policy", "baseline", "subject", "expect", "cases", "config", "view", "hardening", "description"}
_REQUIRED_FILE_KEYS = {"policy", "baseline", "expect"}
_RESOURCE_KEYS = {"type", "name", "urn", "props", "outputs", "id", "parent", "propertyDependencies", "provider",
                  "dependencies", "custom"}
_CASE_KEYS = {"name", "set", "unset", "add", "remove", "status", "message", "subject", "config", "description"}
_HARDENING_KEYS = {"types", "required", "presence_only", "secrecy_only"}
_SEVERITY = {Status.FAIL: 0, Status.UNKNOWN: 1, Status.WAIVED: 2, Status.PASS: 3, Status.NOT_APPLICABLE: 4}


class FixtureError(Exception):
    """A fixture file that does not follow the format; the message names the file and the problem."""


class _Loader(yaml.SafeLoader):
    """YAML with three tags: `!unknown` (the preview sentinel), `!secret VALUE`, `!json VALUE` (a JSON string)."""


def _node_value(loader: _Loader, node: yaml.Node) -> Any:
    if isinstance(node, yaml.MappingNode):
        return loader.construct_mapping(node, deep=True)
    if isinstance(node, yaml.SequenceNode):
        return loader.construct_sequence(node, deep=True)
    text = loader.construct_scalar(node)
    if node.style:  # quoted or block: the text as written
        return text
    # A tagged plain scalar is not resolved implicitly: resolve it as YAML would, so `!secret 5` is the int 5.
    tag = loader.resolve(yaml.ScalarNode, text, (True, False))
    return loader.construct_object(yaml.ScalarNode(tag, text))


_Loader.add_constructor("!unknown", lambda loader, node: UNKNOWN_STRING)
_Loader.add_constructor("!secret", lambda loader, node: secret(_node_value(loader, node)))
_Loader.add_constructor("!json", lambda loader, node: json.dumps(_node_value(loader, node)))


@dataclass(frozen=True)
class Case:
    name: str
    status: Status
    message: str = ""
    set: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    unset: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    add: tuple[Mapping[str, Any], ...] = ()
    remove: tuple[str, ...] = ()
    subject: str | None = None
    config: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Hardening:
    """What tests/hardening needs beyond the baseline (resource rules only): see docs/adding-a-rule.md."""

    types: tuple[str, ...]
    required: tuple[str, ...] = ()
    presence_only: tuple[str, ...] = ()
    secrecy_only: tuple[str, ...] = ()


@dataclass(frozen=True)
class Fixture:
    path: Path
    policy: str
    baseline: tuple[Mapping[str, Any], ...]
    subject: str
    expect: Status
    cases: tuple[Case, ...]
    config: Mapping[str, Any] = field(default_factory=dict)
    view: str = "preview"
    hardening: Hardening | None = None

    @property
    def label(self) -> str:
        return self.path.name.removesuffix(".yaml")

    @property
    def baseline_case(self) -> Case:
        return Case(name="baseline", status=self.expect)

    def subject_resource(self) -> Mapping[str, Any]:
        return _by_name(self.baseline, self.subject, self.path)


def _fail(path: Path, problem: str) -> FixtureError:
    shown = path.relative_to(REPO) if path.is_relative_to(REPO) else path
    return FixtureError(f"{shown}: {problem}")


def _check_keys(path: Path, where: str, raw: Any, allowed: set[str], required: Iterable[str] = ()) -> None:
    if not isinstance(raw, dict):
        raise _fail(path, f"{where} must be a mapping, not {type(raw).__name__}")
    extra = sorted(set(raw) - allowed)
    if extra:
        allowed_keys = ", ".join(sorted(allowed))
        raise _fail(path, f"{where} has unknown key(s) {', '.join(map(str, extra))} (allowed: {allowed_keys})")
    missing = sorted(set(required) - set(raw))
    if missing:
        raise _fail(path, f"{where} lacks {', '.join(missing)}")


def _status(path: Path, where: str, value: Any) -> Status:
    if value not in STATUSES:
        raise _fail(path, f"{where}: status {value!r} is not one of {', '.join(STATUSES)}")
    return Status(value)


def _resources(path: Path, where: str, raw: Any) -> tuple[Mapping[str, Any], ...]:
    if not isinstance(raw, list):
        raise _fail(path, f"{where} must be a list of resources")
    for index, resource in enumerate(raw):
        _check_keys(path, f"{where}[{index}]", resource, _RESOURCE_KEYS, ("type", "name"))
    return tuple(raw)


def _by_name(resources: Iterable[Mapping[str, Any]], name: str, path: Path) -> Mapping[str, Any]:
    for resource in resources:
        if resource["name"] == name:
            return resource
    raise _fail(path, f"no resource named {name!r}")


def _case(path: Path, raw: Any, names: set[str]) -> Case:
    _check_keys(path, "case", raw, _CASE_KEYS, ("name", "status"))
    where = f"case {raw['name']!r}"
    set_ = raw.get("set") or {}
    unset = raw.get("unset") or {}
    for mapping, kind in ((set_, "set"), (unset, "unset")):
        if not isinstance(mapping, dict):
            raise _fail(path, f"{where}: {kind} must map resource names to paths")
    added = _resources(path, f"{where}: add", raw.get("add") or [])
    known = names | {r["name"] for r in added}
    for name in [*set_, *unset, *(raw.get("remove") or [])]:
        if name not in known:
            raise _fail(path, f"{where} names resource {name!r}, which is not in the baseline")
    return Case(
        name=str(raw["name"]),
        status=_status(path, where, raw["status"]),
        message=str(raw.get("message") or ""),
        set={name: dict(paths) for name, paths in set_.items()},
        unset={name: tuple(paths) for name, paths in unset.items()},
        add=added,
        remove=tuple(raw.get("remove") or ()),
        subject=raw.get("subject"),
        config=raw.get("config") or {},
    )


def _hardening(path: Path, raw: Any, subject: Mapping[str, Any]) -> Hardening | None:
    if raw is None:
        return None
    _check_keys(path, "hardening", raw, _HARDENING_KEYS)
    return Hardening(
        types=tuple(raw.get("types") or (subject["type"],)),
        required=tuple(raw.get("required") or ()),
        presence_only=tuple(raw.get("presence_only") or ()),
        secrecy_only=tuple(raw.get("secrecy_only") or ()),
    )


def parse(path: Path) -> Fixture:
    """One fixture file, checked against the format; FixtureError names what is wrong."""
    try:
        raw = yaml.load(path.read_text(encoding="utf-8"), Loader=_Loader)
    except yaml.YAMLError as error:
        raise _fail(path, f"not valid YAML: {error}") from None
    _check_keys(path, "the file", raw, _FILE_KEYS, _REQUIRED_FILE_KEYS)
    policy = raw["policy"]
    if not (path.name == f"{policy}.yaml" or path.name.startswith(f"{policy}.")):
        raise _fail(path, f"policy {policy!r} does not match the file name (<policy-name>[.<label>].yaml)")
    baseline = _resources(path, "baseline", raw["baseline"])
    if not baseline:
        raise _fail(path, "baseline is empty")
    names = [r["name"] for r in baseline]
    if len(set(names)) != len(names):
        raise _fail(path, "baseline resource names repeat")
    subject = raw.get("subject", names[0])
    subject_resource = _by_name(baseline, subject, path)
    view = raw.get("view", "preview")
    if view not in VIEWS:
        raise _fail(path, f"view {view!r} is not one of {', '.join(VIEWS)}")
    cases = tuple(_case(path, case, set(names)) for case in raw.get("cases") or ())
    case_names = [case.name for case in cases]
    if len(set(case_names)) != len(case_names):
        raise _fail(path, "case names repeat")
    return Fixture(
        path=path,
        policy=policy,
        baseline=baseline,
        subject=subject,
        expect=_status(path, "expect", raw["expect"]),
        cases=cases,
        config=raw.get("config") or {},
        view=view,
        hardening=_hardening(path, raw.get("hardening"), subject_resource),
    )


@functools.cache
def all_fixtures() -> tuple[Fixture, ...]:
    return tuple(parse(path) for path in sorted(FIXTURE_DIR.glob("*.yaml")))


def fixtures_for(policy: str) -> tuple[Fixture, ...]:
    return tuple(fixture for fixture in all_fixtures() if fixture.policy == policy)


# ------------------------------------------------------------------ applying a case


def _steps(path: str) -> list[str]:
    return path.split(".")


def _child(container: Any, step: str) -> Any:
    if isinstance(container, list):
        return container[int(step)]
    return container[step]


def set_path(root: dict[str, Any], path: str, value: Any) -> None:
    """Set a dotted path (dict keys, list indexes) in `root`, creating missing dicts on the way."""
    *parents, last = _steps(path)
    node: Any = root
    for step in parents:
        if isinstance(node, dict) and not isinstance(node.get(step), dict | list):
            node[step] = {}
        node = _child(node, step)
    if isinstance(node, list):
        index = int(last)
        if index == len(node):
            node.append(value)
        else:
            node[index] = value
    else:
        node[last] = value


def unset_path(root: dict[str, Any], path: str) -> None:
    """Delete a dotted path; a path that is already absent is an error (the fixture is stale)."""
    *parents, last = _steps(path)
    node: Any = root
    for step in parents:
        node = _child(node, step)
    if isinstance(node, list):
        del node[int(last)]
    else:
        del node[last]


def apply(fixture: Fixture, case: Case) -> list[dict[str, Any]]:
    """The baseline's resources (fixture form) with the case's changes applied."""
    resources = [copy.deepcopy(dict(r)) for r in fixture.baseline if r["name"] not in case.remove]
    resources += [copy.deepcopy(dict(r)) for r in case.add]
    by_name = {r["name"]: r for r in resources}
    try:
        for name, paths in case.set.items():
            for path, value in paths.items():
                set_path(by_name[name], path, copy.deepcopy(value))
        for name, paths in case.unset.items():
            for path in paths:
                unset_path(by_name[name], path)
    except (KeyError, IndexError, ValueError, TypeError) as error:
        problem = f"case {case.name!r}: cannot apply its paths ({type(error).__name__}: {error})"
        raise _fail(fixture.path, problem) from None
    return resources


def urn_of(resource: Mapping[str, Any]) -> str:
    return str(resource.get("urn") or f"{URN_PREFIX}{resource['type']}::{resource['name']}")


def _reference(value: str, urns: Mapping[str, str]) -> str:
    """A fixture refers to another resource by its name (or by a full URN)."""
    return urns.get(value, value)


def to_resource(raw: Mapping[str, Any], urns: Mapping[str, str]) -> Resource:
    dependencies = raw.get("propertyDependencies") or {}
    parent = raw.get("parent")
    return Resource(
        urn=urn_of(raw),
        type=raw["type"],
        name=raw["name"],
        props=dict(raw.get("props") or {}),
        outputs=dict(raw.get("outputs") or {}),
        parent=_reference(parent, urns) if parent else None,
        dependencies=tuple(_reference(d, urns) for d in raw.get("dependencies") or ()),
        property_dependencies={k: tuple(_reference(d, urns) for d in v) for k, v in dependencies.items()},
        provider=raw.get("provider"),
        id=raw.get("id"),
        custom=raw.get("custom", True),
    )


def resources_of(raw: Iterable[Mapping[str, Any]]) -> list[Resource]:
    raw = list(raw)
    urns = {r["name"]: urn_of(r) for r in raw}
    return [to_resource(r, urns) for r in raw]


def rule_for(fixture: Fixture) -> Rule:
    rules = by_name()
    if fixture.policy not in rules:
        raise _fail(fixture.path, f"policy {fixture.policy!r} is not in the catalogue")
    return rules[fixture.policy]


def settings_for(rule: Rule, fixture: Fixture, case: Case) -> PolicySettings:
    return PolicySettings(rule.meta.enforcement, {**rule.meta.defaults(), **fixture.config, **case.config})


def evaluate(fixture: Fixture, case: Case) -> list[Outcome]:
    """The subject's outcomes for one case, run through the engine as the pack, gate and audit run them:
    a resource rule on the subject; a stack rule over all resources as one graph, keeping the outcomes
    about the subject and those about the stack as a whole (no URN)."""
    rule = rule_for(fixture)
    settings = settings_for(rule, fixture, case)
    changed = apply(fixture, case)
    resources = resources_of(changed)
    subject_name = case.subject or fixture.subject
    # Found by its name before the case applied (a case may rename it).
    originals = [r["name"] for r in fixture.baseline if r["name"] not in case.remove] + [r["name"] for r in case.add]
    subjects = [resource for resource, name in zip(resources, originals, strict=True) if name == subject_name]
    if rule.meta.kind is RuleKind.RESOURCE:
        if not subjects:
            raise _fail(fixture.path, f"case {case.name!r}: the subject {subject_name!r} was removed")
        return run_resource_rule(rule, subjects[0], settings)
    graph = Graph(resources, use_outputs=fixture.view == "audit")
    urn = subjects[0].urn if subjects else None
    return [o for o in run_stack_rule(rule, graph, settings) if not o.urn or o.urn == urn]


def verdict(outcomes: Iterable[Outcome]) -> Status:
    """The subject's status: the most severe of its outcomes; none at all (a stack rule that
    reported nothing about it) is not_applicable."""
    statuses = [outcome.status for outcome in outcomes]
    return min(statuses, key=_SEVERITY.__getitem__) if statuses else Status.NOT_APPLICABLE


def all_cases() -> list[tuple[Fixture, Case]]:
    """Every (fixture, case) pair, the baseline first in each file."""
    return [(fixture, case) for fixture in all_fixtures() for case in (fixture.baseline_case, *fixture.cases)]
