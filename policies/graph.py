"""The stack as a graph, for stack rules: lookups by type and resolution of
references between resources, in time linear in the number of resources."""

from __future__ import annotations

import functools
from collections import defaultdict, deque
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from typing import Any

from policies.model import Outcome, Resource, Status
from policies.values import as_list, get, is_unknown

_REFERENCE_OUTPUTS = ("arn", "id", "name")
AMBIGUOUS_REFERENCE = "ambiguousReference"
"""The evidence key of an outcome made unknown by an ambiguous reference: the graph's note."""

# A value, the types it was matched against, and the referring resource's provider.
_SharedKey = tuple[str, tuple[str, ...], str | None]


@dataclass(frozen=True, slots=True)
class Resolution:
    """Resources a property refers to; `unresolved` when a value could not be tied to exactly one.

    `note` says why when a value matched several resources and was therefore bound to none."""

    targets: tuple[Resource, ...]
    unresolved: bool
    note: str = ""

    @property
    def known(self) -> bool:
        return not self.unresolved


@dataclass(slots=True)
class _Trace:
    """The references one stack rule resolved: who refers to whom, and which references were ambiguous."""

    edges: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    referrers: dict[str, str] = field(default_factory=dict)
    shared: dict[_SharedKey, tuple[tuple[Resource, ...], str]] = field(default_factory=dict)

    def undecided(self) -> dict[str, str]:
        """URN -> note, for every resource whose verdict may hang on an ambiguous reference: the referring
        resource; the resources sharing the value and those the referring resource does resolve to (a rule
        may look a resource's referrers up in reverse, as a subnet's route table association); and every
        resource whose resolved references lead to one of those."""
        notes = dict(self.referrers)
        for sharers, note in self.shared.values():
            for sharer in sharers:
                notes.setdefault(sharer.urn, note)
        for referrer, note in self.referrers.items():
            for target in self.edges.get(referrer, ()):
                notes.setdefault(target, note)
        referred_by: dict[str, list[str]] = defaultdict(list)
        for source, targets in self.edges.items():
            for target in targets:
                referred_by[target].append(source)
        queue = deque(notes)
        while queue:
            urn = queue.popleft()
            for source in referred_by.get(urn, ()):
                if source not in notes:
                    notes[source] = notes[urn]
                    queue.append(source)
        return notes


def _undecided(outcome: Outcome, note: str) -> Outcome:
    """An ambiguous reference decides nothing: the outcome becomes unknown and names the ambiguity."""
    if outcome.status is Status.UNKNOWN:
        message = outcome.message if note in outcome.message else f"{outcome.message}; {note}"
    else:
        message = f"{note} (the rule alone found: {outcome.message})" if outcome.message else note
    return replace(outcome, status=Status.UNKNOWN, message=message,
                   evidence={**outcome.evidence, AMBIGUOUS_REFERENCE: note})


class Graph:
    """All resources of one stack.

    `use_outputs` follows `pulumi policy analyze`: stack rules read outputs
    where the provider state is known (stack exports), inputs otherwise.
    """

    def __init__(self, resources: Iterable[Resource], use_outputs: bool = False) -> None:
        self.resources: list[Resource] = list(resources)
        self.use_outputs = use_outputs
        self.by_urn: dict[str, Resource] = {r.urn: r for r in self.resources}
        self._by_type: dict[str, list[Resource]] = defaultdict(list)
        for resource in self.resources:
            self._by_type[resource.type].append(resource)
        self._value_indexes: dict[tuple[str, ...], dict[str, list[Resource]]] = {}
        self._trace: _Trace | None = None

    @contextmanager
    def _tracing(self) -> Iterator[_Trace | None]:
        """A fresh trace of resolutions; None inside one already open (the outer one settles)."""
        if self._trace is not None:
            yield None
            return
        self._trace = _Trace()
        try:
            yield self._trace
        finally:
            self._trace = None

    def settle(self, run: Callable[[], Iterable[Outcome] | None]) -> list[Outcome]:
        """The outcomes of a stack check `run`, where any outcome about a resource whose verdict hangs on
        an ambiguous reference (see `resolve`) is unknown with the ambiguity's note: never a pass or fail."""
        with self._tracing() as trace:
            outcomes = list(run() or ())
        if trace is None or not (trace.referrers or trace.shared):
            return outcomes
        notes = trace.undecided()
        return [
            _undecided(outcome, notes[outcome.urn])
            if isinstance(outcome, Outcome) and outcome.urn in notes else outcome
            for outcome in outcomes
        ]

    def props(self, resource: Resource) -> Mapping[str, Any]:
        if self.use_outputs and resource.outputs:
            return resource.outputs
        return resource.props

    def of_type(self, *types: str) -> list[Resource]:
        found: list[Resource] = []
        for type_ in types:
            found.extend(self._by_type.get(type_, ()))
        return found

    def _index(self, types: tuple[str, ...]) -> dict[str, list[Resource]]:
        """Resources of `types` (all when empty) by each of their reference values; built once per `types`,
        over those resources only (a 100k-resource audit asks for load balancers, not for everything)."""
        index = self._value_indexes.get(types)
        if index is None:
            index = self._value_indexes[types] = defaultdict(list)
            # The property set a stack policy sees (outputs in audits, inputs in previews), as
            # in the Analyzer protocol. The protocol carries no resource id, so the export loader
            # copies a deployed resource's id into its outputs; `resource.id` here serves callers
            # that build Resources by hand.
            for resource in self.of_type(*types) if types else self.resources:
                source = self.props(resource)
                seen: set[str] = set()
                for key in _REFERENCE_OUTPUTS:
                    value = source.get(key)
                    if type(value) is str and value and value not in seen and not is_unknown(value):
                        seen.add(value)
                        index[value].append(resource)
                if resource.id and resource.id not in seen:
                    index[resource.id].append(resource)
        return index

    def _reference_values(self, resource: Resource) -> set[str]:
        source = self.props(resource)
        found = {v for key in _REFERENCE_OUTPUTS if type(v := source.get(key)) is str and v}
        if resource.id:
            found.add(resource.id)
        return found

    def _candidates(self, value: str, types: Sequence[str]) -> tuple[Resource, ...]:
        return tuple(self._index(tuple(dict.fromkeys(types))).get(value, ()))

    def resolve(self, resource: Resource, path: str, types: Sequence[str] = ()) -> Resolution:
        """Resources that the value at `path` of `resource` refers to, as the engine would bind them.

        First the engine's own record: a value equal to the `arn`, `id` or `name` of a resource that
        `propertyDependencies` names for the top-level property. Then a value match over the whole
        stack, scoped to `types` and, when several match, to the resource's provider; it binds only
        when exactly one resource remains. A value several resources share binds to none: the
        resolution is unresolved, with a note, never a fan-out to every sharer. A value that cannot
        be matched (unknown during preview) falls back to the `propertyDependencies` targets.
        """
        top = path.split(".", 1)[0]
        raw = get(self.props(resource), path)
        values = [raw] if is_unknown(raw) else as_list(raw)
        dependency_targets = [
            self.by_urn[urn]
            for urn in resource.property_dependencies.get(top, ())
            if urn in self.by_urn and (not types or self.by_urn[urn].type in types)
        ]
        declared = [(target, self._reference_values(target)) for target in dependency_targets]
        targets: list[Resource] = []
        unmatched = ambiguous = 0
        shared: list[tuple[_SharedKey, tuple[Resource, ...]]] = []
        for value in values:
            if isinstance(value, str) and value and not is_unknown(value):
                own = [target for target, refs in declared if value in refs]
                if own:
                    targets.extend(own)
                    continue
                matched = self._candidates(value, types)
                if len(matched) > 1 and resource.provider:
                    matched = tuple(t for t in matched if t.provider == resource.provider) or matched
                if len(matched) == 1:
                    targets.append(matched[0])
                    continue
                if matched:
                    ambiguous += 1
                    shared.append(((value, tuple(types), resource.provider), matched))
            unmatched += 1
        if unmatched and dependency_targets:
            targets.extend(dependency_targets)
            unmatched = 0
        note = ""
        if ambiguous and unmatched:
            kinds = ", ".join(types) if types else "any type"
            note = (f"{path}: {ambiguous} value(s) match more than one resource ({kinds}) and the engine records "
                    "no dependency that decides; left unresolved")
        unique = {t.urn: t for t in targets}
        if self._trace is not None:
            self._record(self._trace, resource, unique, note, shared)
        return Resolution(tuple(unique.values()), unmatched > 0, note)

    @staticmethod
    def _record(
        trace: _Trace,
        resource: Resource,
        targets: Mapping[str, Resource],
        note: str,
        shared: list[tuple[_SharedKey, tuple[Resource, ...]]],
    ) -> None:
        if targets:
            trace.edges[resource.urn].update(targets)
        if note:
            named = f"{resource.name} {note}"
            trace.referrers.setdefault(resource.urn, named)
            for key, sharers in shared:
                trace.shared.setdefault(key, (sharers, named))


StackCheck = Callable[["Graph", Any], Iterable[Outcome] | None]


def settled(check: StackCheck) -> StackCheck:
    """`check` run through `Graph.settle`: for stack checks the tools call directly rather than
    through `policies.engine.run_stack_rule` (the `resolve_stack` companions of resource rules)."""

    @functools.wraps(check)
    def run(graph: Graph, ctx: Any) -> list[Outcome]:
        return graph.settle(lambda: check(graph, ctx))

    return run
