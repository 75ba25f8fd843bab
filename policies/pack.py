"""The CrossGuard policy pack: the ONLY module that imports pulumi_policy.

Each catalogue rule becomes a pulumi-policy Policy whose validate function calls
the same rule function the offline evaluator calls. Outcomes map onto the SDK:
`fail` -> report_violation; `unknown` -> the SDK's own "can't run policy during
preview" advisory path (UnknownValueError), raised after any failures are
reported; `not_applicable` -> args.not_applicable when it is the only outcome.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
from collections.abc import Callable, Mapping
from typing import Any

from pulumi_policy import (
    EnforcementLevel,
    PolicyComplianceFramework,
    PolicyConfigSchema,
    PolicyPack,
    ResourceValidationPolicy,
    StackValidationPolicy,
)
from pulumi_policy import Severity as SdkSeverity

from policies.catalogue import load as load_catalogue
from policies.engine import apply_waiver, run_resource_rule, run_stack_rule
from policies.graph import Graph
from policies.model import Enforcement, Outcome, Resource, RuleMeta, Severity, Status
from policies.registry import Rule, all_rules
from policies.sdk_compat import install as install_sdk_compat
from policies.sdk_compat import plain, unknown_values_error
from policies.settings import ConfigError, PolicySettings, config_schema, policy_settings

PACK_NAME = "ferpaguard-ferpa-aws"
RULES_URL = "https://github.com/ferpaguard/ferpaguard/blob/main/docs/rules.md"

_SEVERITY = {
    Severity.LOW: SdkSeverity.LOW,
    Severity.MEDIUM: SdkSeverity.MEDIUM,
    Severity.HIGH: SdkSeverity.HIGH,
    Severity.CRITICAL: SdkSeverity.CRITICAL,
}
_ENFORCEMENT = {
    Enforcement.MANDATORY: EnforcementLevel.MANDATORY,
    Enforcement.ADVISORY: EnforcementLevel.ADVISORY,
    Enforcement.DISABLED: EnforcementLevel.DISABLED,
}


def _settings(meta: RuleMeta, config: Mapping[str, Any] | None) -> PolicySettings | str:
    """The policy's validated settings, or the configuration error as text.

    The engine checks config only against the property schemas; unknown keys and
    impossible waiver dates get through, so the pack checks again, once per
    distinct config rather than once per resource.
    """
    return _parsed_settings(meta.id, json.dumps(config or {}, sort_keys=True, default=str))


@functools.lru_cache(maxsize=256)
def _parsed_settings(rule_id: str, config_json: str) -> PolicySettings | str:
    try:
        return policy_settings(load_catalogue().rule(rule_id), None, json.loads(config_json))
    except ConfigError as error:
        return f"invalid policy configuration: {error}"


def _raise_unknowns(unknowns: list[str]) -> None:
    if unknowns:
        raise unknown_values_error("\n".join(unknowns))


def _report(
    outcomes: list[Outcome],
    settings: PolicySettings,
    urn_name: Callable[[Outcome], tuple[str, str]],
    report: Callable[..., None],
) -> None:
    today = dt.date.today()
    unknowns: list[str] = []
    for outcome in outcomes:
        urn, name = urn_name(outcome)
        outcome, _ = apply_waiver(outcome, settings, urn, name, today)
        if outcome.status is Status.FAIL:
            report(outcome.message, outcome.urn)
        elif outcome.status is Status.UNKNOWN:
            unknowns.append(f"{urn}\t{outcome.message}" if outcome.urn else outcome.message)
    _raise_unknowns(unknowns)


def _resource_validator(rule: Rule) -> Callable[..., None]:
    def validate(args: Any, report_violation: Callable[..., None]) -> None:
        if not rule.applies_to(args.resource_type):
            return
        settings = _settings(rule.meta, args.get_config())
        if isinstance(settings, str):
            report_violation(settings)
            return
        resource = Resource(urn=args.urn, type=args.resource_type, name=args.name, props=plain(args.props))
        outcomes = run_resource_rule(rule, resource, settings)
        if all(o.status is Status.NOT_APPLICABLE for o in outcomes):
            args.not_applicable(outcomes[0].message)
        _report(
            outcomes,
            settings,
            lambda _o: (resource.urn, resource.name),
            lambda message, _urn: report_violation(message),
        )

    return validate


def _stack_validator(rule: Rule) -> Callable[..., None]:
    def validate(args: Any, report_violation: Callable[..., None]) -> None:
        settings = _settings(rule.meta, args.get_config())
        if isinstance(settings, str):
            report_violation(settings)
            return
        resources = [
            Resource(
                urn=r.urn,
                type=r.resource_type,
                name=r.name,
                props=plain(r.props),
                parent=r.parent.urn if r.parent is not None else None,
                dependencies=tuple(d.urn for d in r.dependencies),
                property_dependencies={k: tuple(d.urn for d in v) for k, v in r.property_dependencies.items()},
            )
            for r in args.resources
        ]
        graph = Graph(resources)
        outcomes = run_stack_rule(rule, graph, settings)
        names = {r.urn: r.name for r in resources}
        _report(
            outcomes,
            settings,
            lambda o: (o.urn or "", names.get(o.urn or "", "")),
            lambda message, urn: report_violation(message, urn),
        )

    return validate


def _common(meta: RuleMeta) -> dict[str, Any]:
    schema = config_schema(meta)
    controls = ", ".join(f"{c.framework} {c.id}" for c in meta.controls)
    ferpa = ", ".join(f"34 CFR {c.id}" for c in meta.controls if c.framework == "FERPA")
    return {
        "name": meta.name,
        "description": f"[{meta.id}] {meta.title}",
        "enforcement_level": _ENFORCEMENT[meta.enforcement],
        "config_schema": PolicyConfigSchema(properties=schema["properties"]),
        "severity": _SEVERITY[meta.severity],
        "framework": PolicyComplianceFramework(
            name="FERPA", version="34 CFR Part 99", reference=ferpa, specification=controls
        ),
        "remediation_steps": meta.remediation,
        "url": f"{RULES_URL}#{meta.id.lower()}",
        "tags": [meta.id, f"family:{meta.family}", *(f"checkov:{c}" for c in meta.checkov)],
    }


def build_policies() -> list[ResourceValidationPolicy | StackValidationPolicy]:
    policies: list[ResourceValidationPolicy | StackValidationPolicy] = []
    for rule in all_rules():
        if rule.check is not None:
            policies.append(ResourceValidationPolicy(validate=_resource_validator(rule), **_common(rule.meta)))
        else:
            policies.append(StackValidationPolicy(validate=_stack_validator(rule), **_common(rule.meta)))
    return policies


def serve() -> None:
    """Start the analyzer gRPC server (prints its port on stdout) and block."""
    install_sdk_compat()
    cat = load_catalogue()
    PolicyPack(
        name=PACK_NAME,
        policies=build_policies(),
        enforcement_level=EnforcementLevel.ADVISORY,
        description=f"FERPA technical safeguards for AWS ({len(cat.rules)} policies)",
        display_name="ferpaguard: FERPA safeguards for AWS",
        provider="aws",
        tags=["ferpa", "aws", "education", "compliance"],
    )
