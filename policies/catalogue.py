"""Loads `catalogue.yaml`: rule metadata, control titles, frameworks."""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from policies.model import ControlRef, Enforcement, RuleKind, RuleMeta, Severity

CATALOGUE_PATH = Path(__file__).with_name("catalogue.yaml")


@dataclass(frozen=True, slots=True)
class Catalogue:
    rules: tuple[RuleMeta, ...]
    frameworks: Mapping[str, Mapping[str, str]]
    controls: Mapping[str, Mapping[str, str]]
    families: Mapping[str, Mapping[str, str]]

    def rule(self, rule_id: str) -> RuleMeta:
        for meta in self.rules:
            if meta.id == rule_id:
                return meta
        raise KeyError(rule_id)

    def control_title(self, ref: ControlRef) -> str:
        return self.controls.get(ref.framework, {}).get(ref.id, "")


def _meta(raw: Mapping[str, Any], families: Mapping[str, Any]) -> RuleMeta:
    family = raw["id"].split("-")[1]
    enforcement = raw.get("enforcement") or families[family]["enforcement"]
    controls = tuple(
        ControlRef(framework, str(control_id))
        for framework, ids in raw["controls"].items()
        for control_id in ids
    )
    return RuleMeta(
        id=raw["id"],
        name=raw["name"],
        title=raw["title"],
        description=raw.get("description", raw["title"]),
        family=family,
        kind=RuleKind(raw["kind"]),
        severity=Severity(raw["severity"]),
        enforcement=Enforcement(enforcement),
        resource_types=tuple(raw["resource_types"]),
        remediation=raw["remediation"],
        controls=controls,
        checkov=tuple(raw.get("checkov", ())),
        config=raw.get("config") or {},
    )


@functools.cache
def load(path: Path = CATALOGUE_PATH) -> Catalogue:
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    data = yaml.load(path.read_text(encoding="utf-8"), Loader=loader)
    families = data["families"]
    return Catalogue(
        rules=tuple(_meta(raw, families) for raw in data["rules"]),
        frameworks=data["frameworks"],
        controls=data["controls"],
        families=families,
    )
