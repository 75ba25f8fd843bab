"""Loads the catalogue (`policies/catalogue/*.yaml`): rule metadata, control titles,
frameworks, and where each data store keeps its encryption key.

`_shared.yaml` holds frameworks, controls, control sets and families; every other
file holds `rules:`. Files are read in sorted name order; rules are ordered by
family (as `families` lists them), then file, then position. A rule id or policy
name defined twice is refused, naming both files.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from policies.model import ControlRef, Enforcement, RuleKind, RuleMeta, Severity

CATALOGUE_DIR = Path(__file__).with_name("catalogue")
SHARED_FILE = "_shared.yaml"
KEY_PATH_TYPES = "key_paths"
"""`resource_types: key_paths` stands for every type that some rule's `key_paths` covers."""


class CatalogueError(Exception):
    pass


@dataclass(frozen=True, slots=True)
class KeyPath:
    """A property holding a data store's KMS key reference; judged only while `when` (if any) is true."""

    path: str
    when: str | None = None


@dataclass(frozen=True, slots=True)
class Catalogue:
    rules: tuple[RuleMeta, ...]
    frameworks: Mapping[str, Mapping[str, str]]
    controls: Mapping[str, Mapping[str, str]]
    families: Mapping[str, Mapping[str, str]]
    key_paths: Mapping[str, tuple[KeyPath, ...]]
    """Resource type -> the paths of its encryption key, from the `key_paths` of the rules about it."""

    def rule(self, rule_id: str) -> RuleMeta:
        for meta in self.rules:
            if meta.id == rule_id:
                return meta
        raise KeyError(rule_id)

    def control_title(self, ref: ControlRef) -> str:
        return self.controls.get(ref.framework, {}).get(ref.id, "")


def _read(path: Path) -> dict[str, Any]:
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=loader)
    except yaml.YAMLError as error:
        raise CatalogueError(f"{path.name}: not valid YAML: {error}") from None
    if not isinstance(data, dict):
        raise CatalogueError(f"{path.name}: expected a mapping")
    return data


def _controls(raw: Any, control_sets: Mapping[str, Any], where: str) -> tuple[ControlRef, ...]:
    if isinstance(raw, str):
        if raw not in control_sets:
            raise CatalogueError(f"{where}: no control set {raw!r} in {SHARED_FILE}")
        raw = control_sets[raw]
    return tuple(ControlRef(framework, str(control_id)) for framework, ids in raw.items() for control_id in ids)


def _key_paths(raw: Any) -> tuple[KeyPath, ...]:
    return tuple(KeyPath(item) if isinstance(item, str) else KeyPath(item["path"], item.get("when"))
                 for item in raw or ())


def _meta(raw: Mapping[str, Any], shared: Mapping[str, Any], types: tuple[str, ...], where: str) -> RuleMeta:
    family = raw["id"].split("-")[1]
    if family not in shared["families"]:
        raise CatalogueError(f"{where}: family {family} is not in {SHARED_FILE}")
    enforcement = raw.get("enforcement") or shared["families"][family]["enforcement"]
    return RuleMeta(
        id=raw["id"],
        name=raw["name"],
        title=raw["title"],
        description=raw.get("description", raw["title"]),
        family=family,
        kind=RuleKind(raw["kind"]),
        severity=Severity(raw["severity"]),
        enforcement=Enforcement(enforcement),
        resource_types=types,
        remediation=raw["remediation"],
        controls=_controls(raw["controls"], shared.get("control_sets") or {}, where),
        checkov=tuple(raw.get("checkov", ())),
        config=raw.get("config") or {},
    )


def _rule_files(directory: Path) -> list[tuple[Path, list[dict[str, Any]]]]:
    found = []
    for path in sorted(directory.glob("*.yaml")):
        if path.name == SHARED_FILE:
            continue
        data = _read(path)
        extra = set(data) - {"rules"}
        if extra:
            raise CatalogueError(f"{path.name}: a rule file holds only `rules:` (found {', '.join(sorted(extra))})")
        found.append((path, list(data.get("rules") or ())))
    return found


def _refuse_duplicates(files: list[tuple[Path, list[dict[str, Any]]]]) -> None:
    for field in ("id", "name"):
        seen: dict[str, str] = {}
        for path, raws in files:
            for raw in raws:
                value = raw[field]
                if value in seen:
                    raise CatalogueError(f"rule {field} {value} is defined twice: in {seen[value]} and {path.name}")
                seen[value] = path.name


@functools.cache
def load(directory: Path = CATALOGUE_DIR) -> Catalogue:
    shared = _read(directory / SHARED_FILE)
    files = _rule_files(directory)
    _refuse_duplicates(files)
    family_order = list(shared["families"])
    placed = [(path, raw) for path, raws in files for raw in raws]
    placed.sort(key=lambda item: family_order.index(f) if (f := item[1]["id"].split("-")[1]) in family_order else -1)
    key_paths: dict[str, tuple[KeyPath, ...]] = {}
    for _path, raw in placed:
        for type_ in raw.get("resource_types") if raw.get(KEY_PATH_TYPES) else ():
            key_paths[type_] = (*key_paths.get(type_, ()), *_key_paths(raw[KEY_PATH_TYPES]))
    rules = []
    for path, raw in placed:
        types = raw["resource_types"]
        resolved = tuple(key_paths) if types == KEY_PATH_TYPES else tuple(types)
        rules.append(_meta(raw, shared, resolved, f"{path.name} {raw['id']}"))
    return Catalogue(
        rules=tuple(rules),
        frameworks=shared["frameworks"],
        controls=shared["controls"],
        families=shared["families"],
        key_paths=key_paths,
    )
