"""Pulumi resources -> the Terraform plan JSON that checkov's `terraform_plan` framework reads.

checkov reads `planned_values.root_module.resources[]` (address, mode, type,
name, values) and builds graph edges only from
`configuration.root_module.resources[].expressions.<attr>.references`; so each
resource's `propertyDependencies` become such references. Values are rewritten
to Terraform's shape: snake_case keys (or the mapping's renames), single
objects as one-element lists, flattened lists re-wrapped, integral floats as
ints. Unknown values are left out and recorded; secret values never reach the
plan: their strings become a placeholder (checkov only tests presence).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Final

from ferpaguard.checkov import mapping as mapping_table
from ferpaguard.checkov.mapping import MappingTable, TypeMapping
from policies.model import Resource
from policies.values import SECRET_PRESENT, SIG_KEY, is_secret, is_unknown, unwrap_secret

SECRET_PLACEHOLDER: Final = "ferpaguard-secret-placeholder"
_OMIT: Final = object()
_NAME_UNSAFE = re.compile(r"[^A-Za-z0-9_-]")
_CAMEL_BOUNDARY = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")


@dataclass(slots=True)
class Conversion:
    """A plan for checkov plus what is needed to read its results back."""

    plan: dict[str, Any]
    addresses: dict[str, str] = field(default_factory=dict)  # Terraform address -> Pulumi URN
    skipped: list[dict[str, str]] = field(default_factory=list)  # {urn, type, reason}
    unknown_attributes: dict[str, list[str]] = field(default_factory=dict)  # URN -> Terraform attribute paths

    def resource_count(self) -> int:
        return len(self.plan["planned_values"]["root_module"]["resources"])


def snake(name: str) -> str:
    return _CAMEL_BOUNDARY.sub("_", name).lower()


def address_name(pulumi_name: str) -> str:
    """A Terraform resource name from a Pulumi name: letters, digits, `_` and `-`, not starting with a digit."""
    cleaned = _NAME_UNSAFE.sub("_", pulumi_name) or "resource"
    return cleaned if cleaned[0].isalpha() or cleaned[0] == "_" else f"r_{cleaned}"


def reference_attribute(tf_attribute: str) -> str:
    """The attribute of the referenced resource that a property most likely holds."""
    return "arn" if tf_attribute.endswith(("arn", "arns")) else "id"


class _ValueConverter:
    """Rewrites one resource's property values; collects the unknown paths it leaves out."""

    def __init__(self, type_mapping: TypeMapping, sensitive: frozenset[str]) -> None:
        self.type_mapping = type_mapping
        self.sensitive = sensitive
        self.unknown: list[str] = []

    def key(self, path: str, name: str) -> str:
        return self.type_mapping.renames.get(path, snake(name))

    def properties(self, props: Mapping[str, Any]) -> dict[str, Any]:
        values: dict[str, Any] = {}
        for name, raw in props.items():
            if name.startswith("__"):
                continue
            tf_key = self.key(name, name)
            converted = self.value(raw, name, tf_key, in_secret=name in self.sensitive)
            if converted is not _OMIT:
                values[tf_key] = converted
        return values

    def value(self, raw: Any, path: str, tf_path: str, in_secret: bool) -> Any:
        if is_unknown(raw):
            self.unknown.append(tf_path)
            return _OMIT
        if raw is None:
            return _OMIT
        if is_secret(raw):
            inner = unwrap_secret(raw)
            if inner is SECRET_PRESENT:
                return SECRET_PLACEHOLDER
            return self.value(inner, path, tf_path, in_secret=True)
        if isinstance(raw, Mapping):
            if SIG_KEY in raw:  # assets, archives, resource references: nothing checkov can read
                return _OMIT
            converted = self.mapping(raw, path, tf_path, in_secret)
            return [converted] if path in self.type_mapping.blocks else converted
        if isinstance(raw, Sequence) and not isinstance(raw, str | bytes):
            items = [self.value(item, path, tf_path, in_secret) for item in raw]
            return [item for item in items if item is not _OMIT]
        scalar = self.scalar(raw, in_secret)
        return [scalar] if path in self.type_mapping.wrap_scalars else scalar

    def mapping(self, raw: Mapping[str, Any], path: str, tf_path: str, in_secret: bool) -> dict[str, Any]:
        is_map = path in self.type_mapping.maps
        result: dict[str, Any] = {}
        for name, item in raw.items():
            if name.startswith("__"):
                continue
            child_path = f"{path}.{name}"
            tf_key = str(name) if is_map else self.key(child_path, name)
            converted = self.value(item, child_path, f"{tf_path}.{tf_key}", in_secret)
            if converted is not _OMIT:
                result[tf_key] = converted
        return result

    @staticmethod
    def scalar(raw: Any, in_secret: bool) -> Any:
        if in_secret and isinstance(raw, str):
            return SECRET_PLACEHOLDER
        if isinstance(raw, float) and raw.is_integer():
            return int(raw)
        return raw


def _is_infrastructure(resource: Resource) -> bool:
    return resource.custom and not resource.type.startswith("pulumi:")


def _values_of(resource: Resource) -> Mapping[str, Any]:
    if resource.outputs:
        return {**resource.props, **resource.outputs}
    return resource.props


def _references(
    resource: Resource,
    raw_values: Mapping[str, Any],
    values: Mapping[str, Any],
    type_mapping: TypeMapping,
    targets_of: Mapping[str, tuple[str, str]],
    graph_types: frozenset[str] | None,
) -> dict[str, dict[str, list[str]]]:
    """Configuration expressions for set properties that depend on other resources.

    With `graph_types` given, a reference is kept only where it stands in for a value
    left out (unknown) or points at one of those Terraform types; None keeps all.
    """
    expressions: dict[str, dict[str, list[str]]] = {}
    for prop, urns in sorted(resource.property_dependencies.items()):
        if raw_values.get(prop) is None:
            continue
        tf_attribute = type_mapping.renames.get(prop, snake(prop))
        value_left_out = tf_attribute not in values
        targets = [
            address
            for address, tf_type in (targets_of[urn] for urn in urns if urn in targets_of and urn != resource.urn)
            if graph_types is None or value_left_out or tf_type in graph_types
        ]
        if not targets:
            continue
        attribute = reference_attribute(tf_attribute)
        references: list[str] = []
        for target in targets:
            references += [f"{target}.{attribute}", target]
        expressions[tf_attribute] = {"references": references}
    return expressions


def to_plan(
    resources: Iterable[Resource], table: MappingTable | None = None, all_references: bool = False
) -> Conversion:
    """Convert Pulumi resources to a Terraform plan; unmapped types are skipped, never guessed.

    References are limited to the mapping's `graph_references` (and to values left out)
    unless `all_references` is set.
    """
    table = table or mapping_table.load()
    conversion = Conversion(plan={})
    mapped: list[tuple[Resource, TypeMapping, str]] = []
    targets_of: dict[str, tuple[str, str]] = {}  # URN -> (address, Terraform type)
    taken: set[str] = set()
    for resource in resources:
        if not _is_infrastructure(resource):
            continue
        type_mapping = table.get(resource.type)
        if type_mapping is None:
            conversion.skipped.append(
                {"urn": resource.urn, "type": resource.type, "reason": "no Terraform mapping for this type"}
            )
            continue
        base = address_name(resource.name)
        name, suffix = base, 2
        while f"{type_mapping.terraform}.{name}" in taken:
            name, suffix = f"{base}_{suffix}", suffix + 1
        address = f"{type_mapping.terraform}.{name}"
        taken.add(address)
        targets_of[resource.urn] = (address, type_mapping.terraform)
        conversion.addresses[address] = resource.urn
        mapped.append((resource, type_mapping, name))

    planned: list[dict[str, Any]] = []
    configured: list[dict[str, Any]] = []
    for resource, type_mapping, name in mapped:
        converter = _ValueConverter(type_mapping, table.sensitive)
        raw_values = _values_of(resource)
        values = converter.properties(raw_values)
        address = targets_of[resource.urn][0]
        planned.append(
            {"address": address, "mode": "managed", "type": type_mapping.terraform, "name": name, "values": values}
        )
        graph_types = None if all_references else table.graph_references.get(type_mapping.terraform, frozenset())
        expressions = _references(resource, raw_values, values, type_mapping, targets_of, graph_types)
        if expressions:
            configured.append(
                {
                    "address": address,
                    "mode": "managed",
                    "type": type_mapping.terraform,
                    "name": name,
                    "expressions": expressions,
                }
            )
        unresolved = sorted({path for path in converter.unknown if path.split(".", 1)[0] not in expressions})
        if unresolved:
            conversion.unknown_attributes[resource.urn] = unresolved
    conversion.plan = {
        "format_version": "1.2",
        "terraform_version": table.terraform_version,
        "planned_values": {"root_module": {"resources": planned}},
        "configuration": {"root_module": {"resources": configured}},
    }
    return conversion
