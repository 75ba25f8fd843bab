"""Binds each rule module's check function to its catalogue metadata."""

from __future__ import annotations

import functools
import importlib
import pkgutil
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from policies import catalogue, rules
from policies.model import Outcome, Resource, RuleKind, RuleMeta

if TYPE_CHECKING:
    from policies.graph import Graph

ResourceCheck = Callable[[Resource, "Context"], Iterable[Outcome]]
StackCheck = Callable[["Graph", "Context"], Iterable[Outcome]]


@dataclass(frozen=True, slots=True)
class Context:
    """What a rule may read besides the resource: its configuration."""

    config: dict[str, Any]


@dataclass(frozen=True, slots=True)
class Rule:
    meta: RuleMeta
    check: ResourceCheck | None = None
    check_stack: StackCheck | None = None

    def applies_to(self, resource_type: str) -> bool:
        return resource_type in self.meta.resource_types


class RegistryError(Exception):
    pass


@functools.cache
def all_rules() -> tuple[Rule, ...]:
    """Every rule, in catalogue order. Fails loudly on a module/catalogue mismatch."""
    cat = catalogue.load()
    by_id: dict[str, Rule] = {}
    for info in pkgutil.iter_modules(rules.__path__):
        module = importlib.import_module(f"{rules.__name__}.{info.name}")
        rule_id = getattr(module, "RULE_ID", None)
        if rule_id is None:
            raise RegistryError(f"policies/rules/{info.name}.py has no RULE_ID")
        if rule_id in by_id:
            raise RegistryError(f"{rule_id} is defined twice")
        try:
            meta = cat.rule(rule_id)
        except KeyError:
            raise RegistryError(f"{rule_id} ({info.name}.py) is not in policies/catalogue/*.yaml") from None
        check = getattr(module, "check", None)
        check_stack = getattr(module, "check_stack", None)
        expected = check if meta.kind is RuleKind.RESOURCE else check_stack
        if expected is None:
            raise RegistryError(f"{rule_id} is a {meta.kind} rule but {info.name}.py lacks its check function")
        by_id[rule_id] = Rule(meta, check, check_stack)
    missing = [m.id for m in cat.rules if m.id not in by_id]
    if missing:
        raise RegistryError(f"catalogue rules without a module: {', '.join(missing)}")
    return tuple(by_id[m.id] for m in cat.rules)


def by_name() -> dict[str, Rule]:
    return {rule.meta.name: rule for rule in all_rules()}
