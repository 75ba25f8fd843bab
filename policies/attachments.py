"""Resources that configure another resource by naming it (an S3 bucket's policy, an SQS
queue's policy, an SNS topic's policy): which owner each names, for stack rules that judge
an owner together with everything attached to it."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

from policies.graph import Graph
from policies.model import Outcome, Resource
from policies.values import get, is_unknown


@dataclass(frozen=True, slots=True)
class Attached:
    """Attached resources by the URN of the owner they name; `unresolved` ones name an owner not
    known during preview, so they may be any owner's."""

    by_owner: Mapping[str, list[Resource]] = field(default_factory=dict)
    unresolved: tuple[Resource, ...] = ()

    def of(self, owner: Resource) -> list[Resource]:
        return list(self.by_owner.get(owner.urn, ()))

    def pending(self) -> str:
        return ", ".join(resource.name for resource in self.unresolved)


def referenced(graph: Graph, resource: Resource, path: str, owner_types: tuple[str, ...], key: str) -> list[Resource]:
    """The owners the value at `path` names: by id, ARN or name (or the engine's propertyDependencies),
    else by equality with an owner's `key` property (a bucket name, a queue URL)."""
    found = graph.resolve(resource, path, owner_types)
    if found.targets:
        return list(found.targets)
    literal = get(graph.props(resource), path)
    if not isinstance(literal, str) or is_unknown(literal):
        return []
    return [owner for owner in graph.of_type(*owner_types) if get(graph.props(owner), key) == literal]


def _identifiable(graph: Graph, owner: Resource, key: str) -> bool:
    """Whether a literal reference could be matched against this owner (its id or name is known)."""
    props = graph.props(owner)
    return bool(owner.id) or any(
        isinstance(value, str) and value and not is_unknown(value)
        for value in (get(props, key), get(props, "arn"), get(props, "id"))
    )


def _names_outside(graph: Graph, resource: Resource, path: str, owner_types: tuple[str, ...], key: str) -> bool:
    """A known literal reference that matches no owner, while every owner's identity is known:
    it names something outside the stack."""
    literal = get(graph.props(resource), path)
    if not isinstance(literal, str) or is_unknown(literal) or not literal:
        return False
    return all(_identifiable(graph, owner, key) for owner in graph.of_type(*owner_types))


def attach(graph: Graph, types: tuple[str, ...], path: str, owner_types: tuple[str, ...], key: str) -> Attached:
    by_owner: dict[str, list[Resource]] = defaultdict(list)
    unresolved: list[Resource] = []
    for resource in graph.of_type(*types):
        owners = referenced(graph, resource, path, owner_types, key)
        for owner in owners:
            by_owner[owner.urn].append(resource)
        if not owners and not _names_outside(graph, resource, path, owner_types, key):
            unresolved.append(resource)
    return Attached(by_owner, tuple(unresolved))


def judge_owners(owners: Iterable[Resource], judge: Callable[[Resource], Outcome]) -> list[Outcome]:
    """One outcome per owner, on the owner's URN."""
    outcomes: list[Outcome] = []
    for owner in owners:
        verdict = judge(owner)
        outcomes.append(Outcome(verdict.status, verdict.message, owner.urn, verdict.evidence))
    return outcomes
