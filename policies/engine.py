"""Running one rule: the single code path the pack, the gate, the audit and the
tests share. A rule that raises is reported as `unknown` naming the error, so a
defect in a rule can never read as a pass."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from types import MappingProxyType

from policies.graph import Graph
from policies.model import Outcome, Resource, Status
from policies.registry import Context, Rule
from policies.settings import PolicySettings, Waiver

COMPLIANT = Outcome(Status.PASS, "compliant", None, MappingProxyType({}))
"""The pass of a resource rule that found nothing: one shared, unchangeable outcome (most outcomes of a
large audit are this one)."""


def _collect(produced: Iterable[Outcome] | None, rule: Rule) -> list[Outcome]:
    outcomes = list(produced or ())
    for outcome in outcomes:
        if type(outcome) is not Outcome and not isinstance(outcome, Outcome):
            raise TypeError(f"{rule.meta.id} returned {type(outcome).__name__}, not Outcome")
    return outcomes


def run_resource_rule(
    rule: Rule, resource: Resource, settings: PolicySettings, context: Context | None = None
) -> list[Outcome]:
    """Outcomes of a resource rule on one resource; a single pass when it found nothing. `context`, when
    given, is `Context(settings.properties)` made once for many resources."""
    assert rule.check is not None
    try:
        outcomes = _collect(rule.check(resource, context or Context(settings.properties)), rule)
    except Exception as error:  # noqa: BLE001 - a faulty rule must not pass silently
        return [Outcome(Status.UNKNOWN, f"rule error: {type(error).__name__}: {error}")]
    if not outcomes:
        return [COMPLIANT]
    return outcomes


def run_stack_rule(rule: Rule, graph: Graph, settings: PolicySettings) -> list[Outcome]:
    """Outcomes of a stack rule; each names the resource it is about. One whose verdict hangs on an
    ambiguous reference is unknown, naming the ambiguity (`Graph.settle`)."""
    check = rule.check_stack
    assert check is not None
    context = Context(settings.properties)
    try:
        return _collect(graph.settle(lambda: _collect(check(graph, context), rule)), rule)
    except Exception as error:  # noqa: BLE001
        return [Outcome(Status.UNKNOWN, f"rule error: {type(error).__name__}: {error}")]


def matching_waiver(settings: PolicySettings, urn: str, name: str) -> Waiver | None:
    for waiver in settings.waivers:
        if waiver.matches(urn, name):
            return waiver
    return None


def apply_waiver(
    outcome: Outcome, settings: PolicySettings, urn: str, name: str, today: dt.date
) -> tuple[Outcome, Waiver | None]:
    """A failure with a live waiver becomes `waived`; an expired waiver leaves the failure and says so."""
    if outcome.status is not Status.FAIL:
        return outcome, None
    waiver = matching_waiver(settings, urn, name)
    if waiver is None:
        return outcome, None
    if waiver.expired(today):
        message = f"{outcome.message} (waiver expired {waiver.expires.isoformat()}, approved by {waiver.approver})"
        return Outcome(Status.FAIL, message, outcome.urn, outcome.evidence), waiver
    return Outcome(Status.WAIVED, outcome.message, outcome.urn, outcome.evidence), waiver
