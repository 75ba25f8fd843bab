"""The plain data every part of ferpaguard shares: resources, outcomes, findings."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class Status(StrEnum):
    PASS = "pass"
    FAIL = "fail"
    UNKNOWN = "unknown"
    WAIVED = "waived"
    NOT_APPLICABLE = "not_applicable"


class Enforcement(StrEnum):
    MANDATORY = "mandatory"
    ADVISORY = "advisory"
    DISABLED = "disabled"


class Severity(StrEnum):
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"
    CRITICAL = "critical"


class RuleKind(StrEnum):
    RESOURCE = "resource"
    STACK = "stack"


@dataclass(frozen=True, slots=True)
class Resource:
    """One resource as the engine sees it.

    `props` are the inputs in wire form (camelCase keys, unknown sentinels,
    secret wrappers). `outputs` is filled only where the provider's state is
    known (stack exports); during preview it is empty.
    """

    urn: str
    type: str
    name: str
    # Not in repr: properties may hold plaintext secrets, and a repr ends up in logs and tracebacks.
    props: Mapping[str, Any] = field(default_factory=dict, repr=False)
    outputs: Mapping[str, Any] = field(default_factory=dict, repr=False)
    parent: str | None = None
    dependencies: tuple[str, ...] = ()
    property_dependencies: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    provider: str | None = None
    id: str | None = None
    custom: bool = True


@dataclass(frozen=True, slots=True)
class Outcome:
    """What a rule says about one resource. A rule returns only non-pass outcomes;
    an applicable resource with no outcome passed."""

    status: Status
    message: str
    urn: str | None = None
    evidence: Mapping[str, Any] = field(default_factory=dict)


def fail(message: str, urn: str | None = None, **evidence: Any) -> Outcome:
    return Outcome(Status.FAIL, message, urn, evidence)


def unknown(message: str, urn: str | None = None, **evidence: Any) -> Outcome:
    return Outcome(Status.UNKNOWN, message, urn, evidence)


def not_applicable(message: str, urn: str | None = None) -> Outcome:
    return Outcome(Status.NOT_APPLICABLE, message, urn)


def passed(message: str = "", urn: str | None = None, **evidence: Any) -> Outcome:
    """An explicit pass, used by stack rules to name each resource they judged."""
    return Outcome(Status.PASS, message, urn, evidence)


@dataclass(frozen=True, slots=True)
class ControlRef:
    framework: str
    id: str


@dataclass(frozen=True, slots=True)
class RuleMeta:
    id: str
    name: str
    title: str
    description: str
    family: str
    kind: RuleKind
    severity: Severity
    enforcement: Enforcement
    resource_types: tuple[str, ...]
    remediation: str
    controls: tuple[ControlRef, ...]
    checkov: tuple[str, ...] = ()
    config: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)

    def defaults(self) -> dict[str, Any]:
        return {k: v["default"] for k, v in self.config.items() if "default" in v}


@dataclass(slots=True)
class Finding:
    """One result of one rule (or checkov check) on one resource."""

    rule_id: str
    policy: str
    title: str
    status: Status
    enforcement: Enforcement
    severity: Severity
    urn: str
    resource_type: str
    resource_name: str
    message: str
    source: str = "ferpaguard"
    controls: tuple[ControlRef, ...] = ()
    stack: str = ""
    evidence: Mapping[str, Any] = field(default_factory=dict)
    waiver: Mapping[str, Any] | None = None

    @property
    def is_mandatory_failure(self) -> bool:
        return self.status is Status.FAIL and self.enforcement is Enforcement.MANDATORY

    def key(self) -> tuple[str, str, str, str, str, str]:
        """Identity used to compare two evaluation paths."""
        return (self.rule_id, self.urn, self.status.value, self.enforcement.value, self.message, self.source)

    def to_dict(self) -> dict[str, Any]:
        return {
            "rule_id": self.rule_id,
            "policy": self.policy,
            "title": self.title,
            "status": self.status.value,
            "enforcement": self.enforcement.value,
            "severity": self.severity.value,
            "urn": self.urn,
            "resource_type": self.resource_type,
            "resource_name": self.resource_name,
            "message": self.message,
            "source": self.source,
            "controls": [f"{c.framework}:{c.id}" for c in self.controls],
            "stack": self.stack,
            "evidence": dict(self.evidence),
            "waiver": dict(self.waiver) if self.waiver else None,
        }
