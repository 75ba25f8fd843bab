"""Hypothesis strategies for engine wire-form property values, built per rule from
the names and literals its module actually reads."""

from __future__ import annotations

import ast
import copy
import functools
import inspect
import itertools
import json
import re
import sys
from collections.abc import Mapping
from typing import Any

from hypothesis import strategies as st

from policies import catalogue, policy_documents
from policies.model import Resource
from policies.registry import Rule, all_rules
from policies.values import SECRET_SIG, SIG_KEY, UNKNOWN_SENTINELS
from tests.rules.helpers import ODD_VALUES

SENTINELS: tuple[str, ...] = tuple(sorted(UNKNOWN_SENTINELS))
LEAK_MARKER = "Zq7LEAKq7Z"
"""Put only inside secret wrappers: it must never reach an outcome's message or evidence."""
POLICY_KEYS = ("Version", "Statement", "Sid", "Effect", "Principal", "NotPrincipal", "Action", "NotAction",
               "Resource", "NotResource", "Condition", "AWS", "Service", "Allow", "Deny", "*")
REFERENCE_POOL = ("id-0", "id-1", "id-2", "arn:aws:kms:us-east-1:111122223333:key/k0",
                  "arn:aws:elasticloadbalancing:us-east-1:1:loadbalancer/net/n/1",
                  "arn:aws:elasticloadbalancing:us-east-1:1:loadbalancer/app/a/1")
"""Values that generated resources also carry as id/arn/name, so stack rules resolve some references."""
_PATH_LIKE = re.compile(r"[A-Za-z0-9_.{}\-]+")
_NAME = re.compile(r"[a-z][a-zA-Z0-9]+|[A-Z][a-zA-Z]+")


def rule_by_id(rule_id: str) -> Rule:
    (found,) = [rule for rule in all_rules() if rule.meta.id == rule_id]
    return found


def _module_source(rule: Rule) -> str:
    check = rule.check or rule.check_stack
    assert check is not None
    return inspect.getsource(sys.modules[check.__module__])


def _string_constants(source: str) -> set[str]:
    """Every string literal of a module; f-strings rendered with "0" for each placeholder."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.JoinedStr):
            found.add("".join(v.value if isinstance(v, ast.Constant) else "0" for v in node.values))
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            found.add(node.value)
    return found


@functools.cache
def rule_vocabulary(rule_id: str) -> tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]:
    """(property names, dotted paths, short literals) a rule's module mentions."""
    source = _module_source(rule_by_id(rule_id))
    literals = {s for s in _string_constants(source) if 0 < len(s) <= 80 and "\n" not in s}
    # A path names at least one property: f"{a}.{b}" renders as "0.0", which names none.
    paths = sorted(s.strip(".") for s in literals if _PATH_LIKE.fullmatch(s) and "." in s.strip(".")
                   and not all(part.isdigit() for part in s.strip(".").split(".")))
    names = {part for s in literals if _PATH_LIKE.fullmatch(s) for part in _NAME.findall(s)}
    if "read_policy" in source:
        names.update(POLICY_KEYS)
        literals.update(_string_constants(inspect.getsource(policy_documents)))
    if "key_paths" in source:  # the rule reads the catalogue's key paths instead of naming them
        key_paths = [p for paths in catalogue.load().key_paths.values() for k in paths for p in (k.path, k.when) if p]
        names.update(key_paths)
        literals.update(key_paths)
    literals = {s for s in literals if len(s) <= 80 and "\n" not in s}
    return tuple(sorted(names)), tuple(paths), tuple(sorted(literals | set(REFERENCE_POOL)))


def rule_types(rule_id: str) -> tuple[str, ...]:
    """The rule's resource types plus every other AWS type its module names (related resources of stack rules)."""
    rule = rule_by_id(rule_id)
    mentioned = {s for s in _string_constants(_module_source(rule)) if re.fullmatch(r"aws:[\w/]+:\w+", s)}
    return tuple(dict.fromkeys([*rule.meta.resource_types, *sorted(mentioned)]))


def secret_value(inner: Any) -> dict[str, Any]:
    return {SIG_KEY: SECRET_SIG, "value": inner}


def secret_plaintext(inner: Any) -> dict[str, Any]:
    """The `--show-secrets` export form: the plaintext JSON-encoded in a string."""
    return {SIG_KEY: SECRET_SIG, "plaintext": json.dumps(inner) if not isinstance(inner, str) else inner}


def secret_ciphertext(_inner: Any) -> dict[str, Any]:
    return {SIG_KEY: SECRET_SIG, "ciphertext": "v1:AAAAbm90IGEgcmVhbCBjaXBoZXJ0ZXh0"}


def nest(value: Any, depth: int, shape: str) -> Any:
    for level in range(depth):
        if shape == "list":
            value = [value]
        elif shape == "dict":
            value = {"a": value}
        else:
            value = {"Statement": [value]} if level % 2 else {"a": [value, None]}
    return value


def _deep(children: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.builds(nest, children, st.integers(30, 300), st.sampled_from(["list", "dict", "mixed"]))


def _to_json(value: Any) -> str:
    return json.dumps(value, default=str)


@functools.cache
def values_for(rule_id: str, secret_marker: bool = False) -> st.SearchStrategy[Any]:
    """Wire-form values: sentinels, secrets, wrong types, odd numbers, the rule's own literals, deep nesting.

    With `secret_marker`, every secret wrapper holds the leak marker and nothing else does.
    """
    names, _paths, literals = rule_vocabulary(rule_id)
    keys = st.one_of(st.sampled_from(names), st.text(max_size=6))
    scalars = st.one_of(
        st.sampled_from(SENTINELS),
        st.sampled_from(ODD_VALUES),
        st.none(),
        st.booleans(),
        st.integers(min_value=-(2**64), max_value=2**64),
        st.floats(allow_nan=True, allow_infinity=True),
        st.sampled_from(literals),
        st.sampled_from(["true", "false", "True", "0", "1", "-1", "", " ", "NaN", "inf", "1e999", "*"]),
        st.text(max_size=12),
    )

    def extend(children: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
        options = [
            st.lists(children, max_size=4),
            st.dictionaries(keys, children, max_size=4),
            st.dictionaries(st.sampled_from(POLICY_KEYS), children, max_size=4).map(_to_json),
        ]
        if not secret_marker:
            options.append(children.map(secret_value))
            options.append(children.map(secret_plaintext))
        return st.one_of(options)

    plain = st.recursive(scalars, extend, max_leaves=10)
    if not secret_marker:
        return st.one_of(plain, st.just(secret_ciphertext(None)), _deep(scalars))
    marked_leaf = st.one_of(st.just(LEAK_MARKER), st.sampled_from(literals).map(lambda s: s + LEAK_MARKER),
                            st.sampled_from(literals).map(lambda s: LEAK_MARKER + s))
    marked = st.recursive(marked_leaf, lambda c: st.one_of(st.lists(c, min_size=1, max_size=3),
                                                           st.dictionaries(keys, c, min_size=1, max_size=3),
                                                           st.dictionaries(st.sampled_from(POLICY_KEYS), c,
                                                                           min_size=1, max_size=3).map(_to_json)),
                          max_leaves=6)
    wrapped = st.one_of(marked.map(secret_value), marked.map(secret_plaintext))
    return st.one_of(plain, wrapped, st.lists(st.one_of(plain, wrapped), max_size=3),
                     st.dictionaries(keys, st.one_of(plain, wrapped), max_size=3))


def set_path(props: dict[str, Any], path: str, value: Any) -> None:
    """Put `value` at a dotted path, creating objects and lists (for numeric parts) on the way."""
    parts = path.split(".")
    while parts and parts[0].isdigit():  # f-string remnants such as "0.cidrBlocks"
        parts = parts[1:]
    if not parts:
        return
    container: Any = props
    for part, following in itertools.pairwise(parts):
        fresh: Any = [] if following.isdigit() else {}
        container = _child(container, part, fresh)
    _child(container, parts[-1], value, replace=True)


def _child(container: Any, part: str, fresh: Any, replace: bool = False) -> Any:
    """The child at `part`, created or replaced as needed. An existing container is copied before it is
    returned for writing (copy on write), so shared values such as ODD_VALUES never change."""
    if isinstance(container, list):
        index = int(part) if part.isdigit() else 0
        while len(container) <= index:
            container.append({})
        if replace or not isinstance(container[index], dict | list):
            container[index] = fresh
        else:
            container[index] = copy.copy(container[index])
        return container[index]
    if replace or not isinstance(container.get(part), dict | list):
        container[part] = fresh
    else:
        container[part] = copy.copy(container[part])
    return container[part]


def _combine(base: dict[str, Any], placed: list[tuple[str, Any]]) -> dict[str, Any]:
    props = dict(base)
    for path, value in placed:
        set_path(props, path, value)
    return props


@functools.cache
def props_for(rule_id: str, secret_marker: bool = False) -> st.SearchStrategy[dict[str, Any]]:
    """Property dicts mixing the rule's real names and dotted paths with arbitrary keys."""
    names, paths, _literals = rule_vocabulary(rule_id)
    values = values_for(rule_id, secret_marker)
    keys = st.one_of(st.sampled_from(names), st.text(max_size=8))
    base = st.dictionaries(keys, values, max_size=8)
    if not paths:
        return base
    return st.builds(_combine, base, st.lists(st.tuples(st.sampled_from(paths), values), max_size=4))


def urn_of(type_: str, name: str) -> str:
    return f"urn:pulumi:dev::hardening::{type_}::{name}"


@st.composite
def stack_graphs(draw: st.DrawFn, rule_id: str, secret_marker: bool = False) -> tuple[list[Resource], bool]:
    """A few resources of the rule's types with random props, ids, parents and (partly dangling) dependencies."""
    types = rule_types(rule_id)
    props = props_for(rule_id, secret_marker)
    count = draw(st.integers(1, 6))
    names = [draw(st.sampled_from(["a", "b", "c", "d", "a-1", "x"])) for _ in range(count)]
    chosen = [draw(st.sampled_from(types)) for _ in range(count)]
    urns = [urn_of(t, n) for t, n in zip(chosen, names, strict=True)]
    dangling = ["urn:pulumi:dev::hardening::aws:ec2/vpc:Vpc::gone", "not-a-urn", ""]
    targets = st.lists(st.sampled_from(urns + dangling), max_size=3)
    prop_names, _paths, _literals = rule_vocabulary(rule_id)
    resources = []
    for type_, name, urn in zip(chosen, names, urns, strict=True):
        outputs: Mapping[str, Any] = draw(st.one_of(st.just({}), props))
        if draw(st.booleans()):
            outputs = {**outputs, "arn": draw(st.sampled_from(REFERENCE_POOL))}
        resources.append(Resource(
            urn=urn,
            type=type_,
            name=name,
            props=draw(props),
            outputs=outputs,
            parent=draw(st.one_of(st.none(), st.sampled_from(urns + dangling))),
            dependencies=tuple(draw(targets)),
            property_dependencies={k: tuple(v) for k, v in
                                   draw(st.dictionaries(st.sampled_from(prop_names), targets, max_size=3)).items()},
            id=draw(st.one_of(st.none(), st.sampled_from(REFERENCE_POOL))),
        ))
    return resources, draw(st.booleans())
