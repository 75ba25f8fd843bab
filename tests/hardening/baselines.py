"""A compliant baseline per resource rule and the paths it cannot judge without,
derived from the rule fixture files (tests/rules/fixtures/*.yaml, their `hardening:`).

Each baseline passes its rule; making any one `required` path unknown must turn
the verdict into `unknown` (tests/hardening/test_rule_properties.py).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from policies.registry import by_name
from tests.rules.fixture_files import all_fixtures


@dataclass(frozen=True)
class Baseline:
    label: str
    types: tuple[str, ...]
    props: dict[str, Any]
    required: tuple[str, ...] = field(default_factory=tuple)
    presence_only: tuple[str, ...] = field(default_factory=tuple)
    """Required values the rule only tests for presence: an unreadable (ciphertext) secret there is set, so known."""
    secrecy_only: tuple[str, ...] = field(default_factory=tuple)
    """Required values the rule only tests for being secret: any secret wrapper there answers it."""


def _baselines() -> dict[str, list[Baseline]]:
    rules = by_name()
    found: dict[str, list[Baseline]] = {}
    for fixture in all_fixtures():
        if fixture.hardening is None:
            continue
        hardening = fixture.hardening
        baseline = Baseline(fixture.label, hardening.types, dict(fixture.subject_resource().get("props") or {}),
                            hardening.required, hardening.presence_only, hardening.secrecy_only)
        found.setdefault(rules[fixture.policy].meta.id, []).append(baseline)
    return found


BASELINES: dict[str, list[Baseline]] = _baselines()
