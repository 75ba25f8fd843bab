"""The stack as a graph, for stack rules: lookups by type and resolution of
references between resources, in time linear in the number of resources."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from policies.model import Resource
from policies.values import as_list, get, is_unknown

_REFERENCE_OUTPUTS = ("arn", "id", "name")


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
        self._value_index: dict[str, list[Resource]] | None = None
        self._candidate_cache: dict[tuple[str, tuple[str, ...]], tuple[Resource, ...]] = {}

    def props(self, resource: Resource) -> Mapping[str, Any]:
        if self.use_outputs and resource.outputs:
            return resource.outputs
        return resource.props

    def of_type(self, *types: str) -> list[Resource]:
        found: list[Resource] = []
        for type_ in types:
            found.extend(self._by_type.get(type_, ()))
        return found

    def _index(self) -> dict[str, list[Resource]]:
        if self._value_index is None:
            index: dict[str, list[Resource]] = defaultdict(list)
            # The property set a stack policy sees (outputs in audits, inputs in previews), as
            # in the Analyzer protocol. The protocol carries no resource id, so the export loader
            # copies a deployed resource's id into its outputs; `resource.id` here serves callers
            # that build Resources by hand.
            for resource in self.resources:
                source = self.props(resource)
                seen: set[str] = set()
                for key in _REFERENCE_OUTPUTS:
                    value = source.get(key)
                    if type(value) is str and value and value not in seen and not is_unknown(value):
                        seen.add(value)
                        index[value].append(resource)
                if resource.id and resource.id not in seen:
                    index[resource.id].append(resource)
            self._value_index = index
        return self._value_index

    def _reference_values(self, resource: Resource) -> set[str]:
        source = self.props(resource)
        found = {v for key in _REFERENCE_OUTPUTS if type(v := source.get(key)) is str and v}
        if resource.id:
            found.add(resource.id)
        return found

    def _candidates(self, value: str, types: Sequence[str]) -> tuple[Resource, ...]:
        key = (value, tuple(types))
        found = self._candidate_cache.get(key)
        if found is None:
            found = tuple(t for t in self._index().get(value, ()) if not types or t.type in types)
            self._candidate_cache[key] = found
        return found

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
        return Resolution(tuple(unique.values()), unmatched > 0, note)
