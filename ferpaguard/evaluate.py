"""The fast in-process evaluator: every rule over a stack's resources, as the
Pulumi engine would run the pack (resource rules per resource, stack rules over
the whole graph), producing Findings with waivers applied."""

from __future__ import annotations

import datetime as dt
import sys
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from policies.engine import apply_waiver, run_resource_rule, run_stack_rule
from policies.graph import AMBIGUOUS_REFERENCE, Graph
from policies.model import Enforcement, Finding, Outcome, Resource, Status
from policies.registry import Context, Rule, all_rules
from policies.settings import PackSettings, Waiver
from policies.values import UNKNOWN_SHOWN

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


RESOLVED = (Status.PASS, Status.FAIL, Status.NOT_APPLICABLE)
Resolutions = dict[tuple[str, str], tuple[str, Outcome]]
"""(urn, property) -> (id of the rule that judged it with the whole stack in view, its outcome)."""


def _resolvers(rule: Rule) -> Mapping[str, str]:
    """Property -> id of the rule that settles a resource rule's unknown about it (a rule module's
    RESOLVED_BY); the rule's own id names its `resolve_stack` companion."""
    assert rule.check is not None
    return getattr(sys.modules[rule.check.__module__], "RESOLVED_BY", {})


def _unknown_property(outcome: Outcome) -> str | None:
    """The property a rule's unknown is about: the evidence entry it shows as unknown."""
    for key, value in outcome.evidence.items():
        if value == UNKNOWN_SHOWN:
            return key
    return None


def _stack_view(outcomes: Iterable[Outcome], rule_id: str, into: Resolutions) -> None:
    """What rules seeing the whole stack said about each (resource, property): the first verdict, else
    an unknown that an ambiguous reference caused (its note is worth passing on)."""
    for outcome in outcomes:
        prop = outcome.evidence.get("property")
        if not outcome.urn or not isinstance(prop, str):
            continue
        key = (outcome.urn, prop)
        earlier = into.get(key)
        if outcome.status in RESOLVED:
            if earlier is None or earlier[1].status is Status.UNKNOWN:
                into[key] = (rule_id, outcome)
        elif outcome.status is Status.UNKNOWN and earlier is None and outcome.evidence.get(AMBIGUOUS_REFERENCE):
            into[key] = (rule_id, outcome)


def _resolved(outcome: Outcome, urn: str, rule: Rule, resolutions: Resolutions) -> Outcome:
    """A resource rule's unknown that a rule seeing the whole stack settled takes that verdict, naming the rule."""
    if outcome.status is not Status.UNKNOWN:
        return outcome
    prop = _unknown_property(outcome)
    if prop is None or prop not in _resolvers(rule):
        return outcome
    found = resolutions.get((urn, prop))
    if found is None:
        return outcome
    resolver, verdict = found
    if verdict.status is Status.UNKNOWN:  # the whole stack cannot decide either: say why
        note = str(verdict.evidence.get(AMBIGUOUS_REFERENCE, ""))
        message = outcome.message if note in outcome.message else f"{outcome.message}; {note}"
        return Outcome(Status.UNKNOWN, message, outcome.urn, {**outcome.evidence, AMBIGUOUS_REFERENCE: note})
    by = "the stack view" if resolver == rule.meta.id else resolver
    message = f"{verdict.message} (resolved by {by}: {outcome.message})"
    evidence = {**outcome.evidence, **verdict.evidence, "resolvedBy": resolver}
    return Outcome(verdict.status, message, outcome.urn, evidence)


def _deployed_view(resource: Resource) -> Resource:
    """The resource as deployed: its inputs overlaid with the provider's outputs."""
    props, outputs = resource.props, resource.outputs
    # Provider state usually holds every input: the outputs then are the overlay, in another key order
    # (which no rule reads: rules look properties up by path), without building a merged copy of each.
    deployed = outputs if props.keys() <= outputs.keys() else {**props, **outputs}
    # The constructor rather than dataclasses.replace: this runs once per resource of 100k-resource audits.
    return Resource(resource.urn, resource.type, resource.name, deployed, outputs, resource.parent,
                    resource.dependencies, resource.property_dependencies, resource.provider, resource.id,
                    resource.custom)


def _judged_deployed(from_inputs: list[Outcome], from_outputs: list[Outcome]) -> list[Outcome]:
    """The deployed verdict where its status differs from the inputs' (drift), saying so; else the inputs'."""
    if len(from_inputs) == 1 and len(from_outputs) == 1:
        if from_inputs[0].status is from_outputs[0].status:
            return from_inputs  # the usual case, without sorting
    elif sorted(o.status.value for o in from_inputs) == sorted(o.status.value for o in from_outputs):
        return from_inputs  # the same verdict: the inputs' wording, as `pulumi policy analyze` gives it
    said = "; ".join(f"{o.status.value}: {o.message}" for o in from_inputs)
    return [
        Outcome(o.status, f"{o.message} (judged on the deployed state: the inputs disagree and give {said})", o.urn,
                {**o.evidence, "judgedOn": "outputs", "inputsVerdict": [x.status.value for x in from_inputs]})
        for o in from_outputs
    ]


def _finding(
    rule: Rule,
    resource: Resource | None,
    outcome: Outcome,
    enforcement: Enforcement,
    stack: str,
    waiver: Waiver | None,
    urn: str,
) -> Finding:
    meta = rule.meta
    # Positional, in Finding's field order: one per finding, 100k+ in large audits.
    return Finding(
        meta.id,
        meta.name,
        meta.title,
        outcome.status,
        enforcement,
        meta.severity,
        urn,
        resource.type if resource else "",
        resource.name if resource else "",
        outcome.message,
        "ferpaguard",
        meta.controls,
        stack,
        dict(outcome.evidence),
        waiver.to_dict() | {"state": "expired" if outcome.status is Status.FAIL else "applied"} if waiver else None,
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
    resolve_unknowns: bool = True,
    judge_deployed: bool = False,
) -> Evaluation:
    """Evaluate the pack on one stack. `use_outputs` gives stack rules the
    provider's outputs (audits of exports), as `pulumi policy analyze` does.

    With `resolve_unknowns`, a resource rule's unknown that a rule seeing the
    whole stack settled (FERPA-ENC-11 for a computed key ARN, ...) takes that
    verdict and names the rule; the pack, bound to the engine's protocol,
    reports such values as unknown (False gives the pack's findings exactly).

    With `judge_deployed` (audits), a resource whose outputs (the provider's
    state) give a rule a different verdict than its inputs is judged on the
    outputs, and the finding says so: the audit judges what is deployed."""
    today = today or dt.date.today()
    result = evaluation or Evaluation()
    selected = tuple(rules) if rules is not None else all_rules()
    by_type: dict[str, list[Rule]] = defaultdict(list)
    stack_rules: list[Rule] = []
    # Each rule's settings, worked out once rather than per resource (a fresh defaults dict each time).
    policies = {rule.meta.id: settings.for_rule(rule.meta) for rule in selected}
    for rule in selected:
        if policies[rule.meta.id].enforcement is Enforcement.DISABLED:
            continue
        if rule.check is not None:
            for type_ in rule.meta.resource_types:
                by_type[type_].append(rule)
        else:
            stack_rules.append(rule)

    by_id = {rule.meta.id: rule for rule in selected}

    def record(rule: Rule, resource: Resource | None, outcome: Outcome, urn: str) -> None:
        policy = policies[rule.meta.id]
        waiver = None
        if outcome.status is Status.FAIL:  # only a failure can be waived
            name = resource.name if resource else ""
            outcome, waiver = apply_waiver(outcome, policy, urn, name, today)
            resolver = by_id.get(str(outcome.evidence.get("resolvedBy", ""))) if outcome.evidence else None
            if waiver is None and resolver is not None and resolver is not rule:
                # A failure another rule settled is that rule's finding too: its waiver covers it.
                outcome, waiver = apply_waiver(outcome, policies[resolver.meta.id], urn, name, today)
            if waiver is not None:
                result.waiver_uses[waiver].append(urn)
        result.findings.append(_finding(rule, resource, outcome, policy.enforcement, stack, waiver, urn))

    graph = Graph(resources, use_outputs=use_outputs)
    resolutions: Resolutions = {}
    stack_outcomes = [(rule, run_stack_rule(rule, graph, policies[rule.meta.id])) for rule in stack_rules]
    for rule, outcomes in stack_outcomes:
        _stack_view(outcomes, rule.meta.id, resolutions)

    companions_run: set[str] = set()

    def resolve(rule: Rule, resource: Resource, outcome: Outcome) -> Outcome:
        if not resolve_unknowns or outcome.status is not Status.UNKNOWN:
            return outcome
        companion = getattr(sys.modules[rule.check.__module__], "resolve_stack", None) if rule.check else None
        if companion is not None and rule.meta.id not in companions_run:
            companions_run.add(rule.meta.id)
            context = Context(policies[rule.meta.id].properties)
            _stack_view(companion(graph, context), rule.meta.id, resolutions)
        return _resolved(outcome, resource.urn, rule, resolutions)

    contexts = {rule.meta.id: Context(policies[rule.meta.id].properties) for rule in selected}
    for resource in resources:
        applicable = by_type.get(resource.type)
        if not applicable or not subject_to_resource_rules(resource):
            continue
        deployed = _deployed_view(resource) if judge_deployed and resource.outputs else None
        for rule in applicable:
            rule_id = rule.meta.id
            policy, context = policies[rule_id], contexts[rule_id]
            outcomes = run_resource_rule(rule, resource, policy, context)
            if deployed is not None:
                outcomes = _judged_deployed(outcomes, run_resource_rule(rule, deployed, policy, context))
            for outcome in outcomes:
                if outcome.status is Status.UNKNOWN:
                    outcome = resolve(rule, resource, outcome)
                record(rule, resource, outcome, resource.urn)
    for rule, outcomes in stack_outcomes:
        for outcome in outcomes:
            urn = outcome.urn or ""
            record(rule, graph.by_urn.get(urn), outcome, urn)
    return result
