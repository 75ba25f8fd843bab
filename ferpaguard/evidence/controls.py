"""Control and rule facts the writers share: titles, frameworks, OSCAL identifiers, scores."""

from __future__ import annotations

import functools
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from policies import catalogue
from policies.model import ControlRef, Finding, RuleMeta, Severity

SECURITY_SEVERITY = {Severity.CRITICAL: "9.5", Severity.HIGH: "8.0", Severity.MEDIUM: "5.5", Severity.LOW: "3.0"}
"""GitHub code scanning's `security-severity` scores (critical > 9.0, high 7.0-8.9, medium 4.0-6.9, low < 4.0)."""

FRAMEWORK_ORDER = ("FERPA", "PTAC", "NIST-800-53", "NIST-800-171")


@dataclass(frozen=True, slots=True)
class OscalCatalog:
    """A published NIST OSCAL catalog and how its ids are spelled."""

    framework: str
    href: str
    title: str

    def control_id(self, control: str) -> str:
        # SP 800-53 rev5 ids are lowercase ("sc-28"); the SP 800-171 rev3 catalog prefixes
        # its requirement numbers ("SP_800_171_03.13.11"), since an OSCAL token cannot start with a digit.
        if self.framework == "NIST-800-53":
            return control.lower()
        return f"SP_800_171_{control}"

    def statement_id(self, control: str) -> str:
        if self.framework == "NIST-800-53":
            return f"{control.lower()}_smt"
        return f"statement_{control}"


OSCAL_CATALOGS = {
    "NIST-800-53": OscalCatalog(
        "NIST-800-53",
        "https://raw.githubusercontent.com/usnistgov/oscal-content/main/nist.gov/SP800-53/rev5/json/"
        "NIST_SP-800-53_rev5_catalog.json",
        "NIST SP 800-53 Rev. 5",
    ),
    "NIST-800-171": OscalCatalog(
        "NIST-800-171",
        "https://raw.githubusercontent.com/usnistgov/oscal-content/main/nist.gov/SP800-171/rev3/json/"
        "NIST_SP800-171_rev3_catalog.json",
        "NIST SP 800-171 Rev. 3",
    ),
}


def control_label(ref: ControlRef) -> str:
    return f"{ref.framework}:{ref.id}"


def control_title(ref: ControlRef) -> str:
    return catalogue.load().control_title(ref)


def framework_title(framework: str) -> str:
    return str(catalogue.load().frameworks.get(framework, {}).get("title", framework))


def control_sort_key(ref: ControlRef) -> tuple[int, str]:
    order = FRAMEWORK_ORDER.index(ref.framework) if ref.framework in FRAMEWORK_ORDER else len(FRAMEWORK_ORDER)
    return order, _natural(ref.id)


def _natural(control_id: str) -> str:
    # "SC-7" before "SC-28": pad numeric runs.
    parts, digits = [], ""
    for char in control_id:
        if char.isdigit():
            digits += char
            continue
        if digits:
            parts.append(digits.zfill(6))
            digits = ""
        parts.append(char)
    if digits:
        parts.append(digits.zfill(6))
    return "".join(parts)


@functools.cache
def rule_meta(rule_id: str) -> RuleMeta | None:
    """Catalogue metadata for a ferpaguard rule; None for checkov checks and unknown ids."""
    try:
        return catalogue.load().rule(rule_id)
    except KeyError:
        return None


def findings_by_control(findings: Iterable[Finding]) -> dict[ControlRef, list[Finding]]:
    grouped: dict[ControlRef, list[Finding]] = defaultdict(list)
    for finding in findings:
        for ref in finding.controls:
            grouped[ref].append(finding)
    return {ref: grouped[ref] for ref in sorted(grouped, key=control_sort_key)}
