"""Loads `mapping.yaml`: how each Pulumi AWS type becomes a Terraform resource."""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import yaml

MAPPING_PATH = Path(__file__).with_name("mapping.yaml")


@dataclass(frozen=True, slots=True)
class TypeMapping:
    token: str
    terraform: str
    renames: Mapping[str, str] = field(default_factory=dict)
    wrap_scalars: frozenset[str] = frozenset()
    blocks: frozenset[str] = frozenset()
    maps: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class MappingTable:
    terraform_version: str
    types: Mapping[str, TypeMapping]
    sensitive: frozenset[str]
    graph_references: Mapping[str, frozenset[str]] = field(default_factory=dict)
    aliases: Mapping[str, str] = field(default_factory=dict)
    """Legacy type token -> the listed token it is converted as."""

    def get(self, token: str) -> TypeMapping | None:
        return self.types.get(self.aliases.get(token, token))

    def covers(self, token: str) -> bool:
        return self.get(token) is not None


@functools.cache
def load(path: Path = MAPPING_PATH) -> MappingTable:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    default_maps = frozenset(data.get("default_maps", ()))
    types = {
        token: TypeMapping(
            token=token,
            terraform=raw["terraform"],
            renames=dict(raw.get("renames") or {}),
            wrap_scalars=frozenset(raw.get("wrap_scalars", ())),
            blocks=frozenset(raw.get("blocks", ())),
            maps=frozenset(raw.get("maps", ())) | default_maps,
        )
        for token, raw in data["types"].items()
    }
    graph_references = {source: frozenset(targets) for source, targets in (data.get("graph_references") or {}).items()}
    aliases = dict(data.get("aliases") or {})
    dangling = sorted(alias for alias, token in aliases.items() if token not in types)
    if dangling:
        raise ValueError(f"{path}: aliases of unlisted types: {', '.join(dangling)}")
    return MappingTable(
        str(data["terraform_version"]), types, frozenset(data.get("sensitive", ())), graph_references, aliases
    )
