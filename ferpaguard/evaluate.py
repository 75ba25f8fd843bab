"""The fast in-process evaluator: every rule over a stack's resources, as the
Pulumi engine would run the pack (resource rules per resource, stack rules over
the whole graph), producing Findings with waivers applied."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from policies.engine import apply_waiver, run_resource_rule, run_stack_rule
from policies.graph import Graph
from policies.model import Enforcement, Finding, Outcome, Resource, Status
from policies.registry import Rule, all_rules
from policies.settings import PackSettings, Waiver

STACK_TYPE = "pulumi:pulumi:Stack"
PROVIDER_PREFIX = "pulumi:providers:"


def subject_to_resource_rules(resource: Resource) -> bool:
    return resource.custom and resource.type != STACK_TYPE and not resource.type.startswith(PROVIDER_PREFIX)


@dataclass(slots=True)
class Evaluation:
    findings: list[Finding] = field(default_factory=list)
    waiver_uses: dict[Waiver, list[str]] = field(default_factory=lambda: defaultdict(list))

    def waiver_report(self, settings: PackSettings, today: dt.date) -> list[dict[str, Any]]:
        report = []
        for waiver in settings.waivers():
            used = self.waiver_uses.get(waiver, [])
            state = "expired" if waiver.expired(today) else ("applied" if used else "unused")
            report.append(waiver.to_dict() | {"state": state, "findings": sorted(set(used))})
        return report


def _finding(
    rule: Rule,
    resource: Resource | None,
    outcome: Outcome,
    enforcement: Enforcement,
    stack: str,
    waiver: Waiver | None,
    urn: str,
) -> Finding:
    return Finding(
        rule_id=rule.meta.id,
        policy=rule.meta.name,
        title=rule.meta.title,
        status=outcome.status,
        enforcement=enforcement,
        severity=rule.meta.severity,
        urn=urn,
        resource_type=resource.type if resource else "",
        resource_name=resource.name if resource else "",
        message=outcome.message,
        controls=rule.meta.controls,
        stack=stack,
        evidence=dict(outcome.evidence),
        waiver=waiver.to_dict() | {"state": "expired" if outcome.status is Status.FAIL else "applied"}
        if waiver
        else None,
    )


def evaluate(
    resources: Sequence[Resource],
    settings: PackSettings,
    *,
    stack: str = "",
    use_outputs: bool = False,
    rules: Iterable[Rule] | None = None,
    today: dt.date | None = None,
    evaluation: Evaluation | None = None,
) -> Evaluation:
    """Evaluate the pack on one stack. `use_outputs` gives stack rules the
    provider's outputs (audits of exports), as `pulumi policy analyze` does."""
    today = today or dt.date.today()
    result = evaluation or Evaluation()
    selected = tuple(rules) if rules is not None else all_rules()
    by_type: dict[str, list[Rule]] = defaultdict(list)
    stack_rules: list[Rule] = []
    for rule in selected:
        if settings.for_rule(rule.meta).enforcement is Enforcement.DISABLED:
            continue
        if rule.check is not None:
            for type_ in rule.meta.resource_types:
                by_type[type_].append(rule)
        else:
            stack_rules.append(rule)

    def record(rule: Rule, resource: Resource | None, outcome: Outcome, urn: str) -> None:
        policy = settings.for_rule(rule.meta)
        outcome, waiver = apply_waiver(outcome, policy, urn, resource.name if resource else "", today)
        if waiver is not None:
            result.waiver_uses[waiver].append(urn)
        result.findings.append(_finding(rule, resource, outcome, policy.enforcement, stack, waiver, urn))

    for resource in resources:
        if not subject_to_resource_rules(resource):
            continue
        for rule in by_type.get(resource.type, ()):
            for outcome in run_resource_rule(rule, resource, settings.for_rule(rule.meta)):
                record(rule, resource, outcome, resource.urn)

    if stack_rules:
        graph = Graph(resources, use_outputs=use_outputs)
        for rule in stack_rules:
            for outcome in run_stack_rule(rule, graph, settings.for_rule(rule.meta)):
                urn = outcome.urn or ""
                record(rule, graph.by_urn.get(urn), outcome, urn)
    return result
