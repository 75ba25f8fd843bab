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
    """Resources a property refers to; `unresolved` when a value could not be tied to any."""

    targets: tuple[Resource, ...]
    unresolved: bool

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

    def resolve(self, resource: Resource, path: str, types: Sequence[str] = ()) -> Resolution:
        """Resources that the value at `path` of `resource` refers to.

        Each referenced value is tied to a resource by equality with an `arn`,
        `id` or `name`; where that fails (an unknown value during preview), the
        engine's `propertyDependencies` for the top-level property decide.
        """
        top = path.split(".", 1)[0]
        raw = get(self.props(resource), path)
        values = [raw] if is_unknown(raw) else as_list(raw)
        dependency_targets = [
            self.by_urn[urn]
            for urn in resource.property_dependencies.get(top, ())
            if urn in self.by_urn and (not types or self.by_urn[urn].type in types)
        ]
        targets: list[Resource] = []
        unmatched = 0
        index = self._index()
        for value in values:
            if isinstance(value, str) and not is_unknown(value):
                matched = [t for t in index.get(value, ()) if not types or t.type in types]
                if matched:
                    targets.extend(matched)
                    continue
            unmatched += 1
        if unmatched and dependency_targets:
            targets.extend(dependency_targets)
            unmatched = 0
        unique = {t.urn: t for t in targets}
        return Resolution(tuple(unique.values()), unmatched > 0)
