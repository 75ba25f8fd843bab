"""Which resources an AWS Backup selection (`aws:backup/selection:Selection`) picks, in
AWS's terms: the resources it lists by ARN (or ARN pattern) or by tag, narrowed by its
tag conditions, minus its not-resources. Every answer is tri-state: True, False, or None
when a value it depends on is not known during preview."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from policies.graph import Graph
from policies.model import Resource
from policies.policy_documents import matches
from policies.tristate import Tri, all_of, any_of
from policies.values import MISSING, UNKNOWN, as_list, get, is_unknown

TAG_KEY_PREFIX = "aws:resourcetag/"


def _arn(graph: Graph, store: Resource) -> Any:
    return get(graph.props(store), "arn")


def _listed(graph: Graph, selection: Resource, store: Resource, path: str, store_types: tuple[str, ...]) -> Tri:
    """Whether the ARN list at `path` names `store`: by ARN equality or propertyDependencies, or by pattern.
    An unknown entry names the store only if the engine's dependencies leave it open."""
    entries = get(graph.props(selection), path)
    found = graph.resolve(selection, path, store_types)
    if any(target.urn == store.urn for target in found.targets):
        return True
    if entries is UNKNOWN:
        return None if found.unresolved else False
    arn = _arn(graph, store)
    states: list[Tri] = []
    for entry in as_list(entries):
        if is_unknown(entry):
            states.append(None if found.unresolved else False)
        elif isinstance(entry, str) and entry.strip() == "*":
            states.append(True)
        elif isinstance(entry, str) and "*" in entry:
            states.append(matches(entry, arn) if isinstance(arn, str) and not is_unknown(arn) else None)
        else:
            states.append(False)
    return any_of(states)


def _tag(graph: Graph, store: Resource, key: Any) -> Any:
    """The store's tag `key`: a string, MISSING, or UNKNOWN."""
    tags = get(graph.props(store), "tags")
    if tags is UNKNOWN or not isinstance(key, str) or is_unknown(key):
        return UNKNOWN
    if not isinstance(tags, Mapping):
        return MISSING
    return get(tags, key) if key in tags else MISSING


def _tag_test(graph: Graph, store: Resource, key: Any, value: Any, like: bool) -> Tri:
    found = _tag(graph, store, key)
    if found is UNKNOWN or is_unknown(value) or (isinstance(found, str) and is_unknown(found)):
        return None
    if found is MISSING or not isinstance(found, str) or not isinstance(value, str):
        return False
    return matches(value, found) if like else found == value


def _selection_tags(graph: Graph, selection: Resource, store: Resource) -> Tri:
    tags = get(graph.props(selection), "selectionTags")
    if tags is UNKNOWN:
        return None
    return any_of(_tag_test(graph, store, get(tag, "key"), get(tag, "value"), like=False) for tag in as_list(tags))


def _conditions(graph: Graph, selection: Resource, store: Resource) -> Tri:
    """Every tag condition holds (AWS ANDs them); keys are `aws:ResourceTag/<tag>`."""
    conditions = get(graph.props(selection), "conditions")
    if conditions is UNKNOWN:
        return None
    states: list[Tri] = []
    for block in as_list(conditions):
        for field, like, negated in (("stringEquals", False, False), ("stringLikes", True, False),
                                     ("stringNotEquals", False, True), ("stringNotLikes", True, True)):
            for condition in as_list(get(block, field)):
                key = get(condition, "key")
                if not isinstance(key, str) or not key.lower().startswith(TAG_KEY_PREFIX):
                    states.append(None)
                    continue
                state = _tag_test(graph, store, key[len(TAG_KEY_PREFIX):], get(condition, "value"), like)
                states.append(None if state is None else state is not negated)
    return all_of(states)


def selects(graph: Graph, selection: Resource, store: Resource, store_types: tuple[str, ...]) -> Tri:
    """Whether `selection` picks `store`; `store_types` are the data store types its ARNs may name."""
    listed = _listed(graph, selection, store, "resources", store_types)
    picked = any_of((listed, _selection_tags(graph, selection, store)))
    excluded = _listed(graph, selection, store, "notResources", store_types)
    return all_of((picked, _conditions(graph, selection, store), None if excluded is None else not excluded))
