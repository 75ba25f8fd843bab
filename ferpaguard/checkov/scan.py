"""checkov as ferpaguard's second opinion: converts the resources, runs checkov
in-process on an allow-list of checks, and reports in the one Finding model.

checkov is imported only inside `scan()`, so importing this module stays cheap.
The plan is written to a private temporary directory (checkov's runner reads
files) and deleted afterwards; it holds no secret strings (see convert.py).
"""

from __future__ import annotations

import functools
import os
import tempfile
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson

from ferpaguard.checkov.convert import Conversion, to_plan
from policies import catalogue
from policies.model import ControlRef, Enforcement, Finding, Resource, RuleMeta, Severity, Status

CUSTOM_CHECKS_DIR = Path(__file__).with_name("custom_checks")
SOURCE = "checkov"

# ferpaguard's own checkov checks and the catalogue rules they mirror.
CUSTOM_CHECK_RULES: Mapping[str, tuple[str, ...]] = {
    "CKV_FERPA_1": ("FERPA-LINK-01",),
    "CKV_FERPA_2": ("FERPA-TLS-01",),
    "CKV2_FERPA_1": ("FERPA-LINK-02",),
}

# checkov matches every entity against every resource of its plan file (quadratic), so
# the plan is split into files of at most this many resources, never splitting resources
# joined by a reference. Files in one directory share checkov's graph.
PLAN_FILE_RESOURCES = 1000

_SEVERITY_ORDER = (Severity.LOW, Severity.MEDIUM, Severity.HIGH, Severity.CRITICAL)
_CHECKOV_STATUS = {"PASSED": Status.PASS, "FAILED": Status.FAIL, "SKIPPED": Status.NOT_APPLICABLE}


@dataclass(slots=True)
class CheckovResult:
    findings: list[Finding] = field(default_factory=list)
    skipped: list[dict[str, str]] = field(default_factory=list)
    unknown_attributes: dict[str, list[str]] = field(default_factory=dict)
    duration: float = 0.0  # seconds spent in checkov itself (import, parse, checks)
    addresses: dict[str, str] = field(default_factory=dict)  # Terraform address -> URN


@functools.cache
def rules_by_checkov_id() -> dict[str, tuple[RuleMeta, ...]]:
    """checkov id -> the catalogue rules that name it (custom checks: the rule they mirror)."""
    cat = catalogue.load()
    found: dict[str, list[RuleMeta]] = {}
    for meta in cat.rules:
        for check_id in meta.checkov:
            found.setdefault(check_id, []).append(meta)
    for check_id, rule_ids in CUSTOM_CHECK_RULES.items():
        found.setdefault(check_id, []).extend(cat.rule(rule_id) for rule_id in rule_ids)
    return {check_id: tuple(metas) for check_id, metas in found.items()}


def allowed_checks() -> list[str]:
    return sorted(rules_by_checkov_id())


def _controls(metas: Sequence[RuleMeta]) -> tuple[ControlRef, ...]:
    return tuple(dict.fromkeys(ref for meta in metas for ref in meta.controls))


def _severity(checkov_severity: Any, metas: Sequence[RuleMeta]) -> Severity:
    name = getattr(checkov_severity, "name", None)
    if isinstance(name, str) and name.lower() in Severity.__members__.values():
        return Severity(name.lower())
    if not metas:
        return Severity.MEDIUM
    return max((meta.severity for meta in metas), key=_SEVERITY_ORDER.index)


def _status(result: str, evaluated: Iterable[str], unknown: Sequence[str]) -> Status:
    status = _CHECKOV_STATUS.get(result, Status.UNKNOWN)
    if status in (Status.PASS, Status.FAIL) and unknown:
        unknown_tops = {path.split(".", 1)[0] for path in unknown}
        if any(key.split("/", 1)[0].split(".", 1)[0] in unknown_tops for key in evaluated):
            return Status.UNKNOWN
    return status


def _address(reference: str) -> str:
    return ".".join(reference.split(".")[:2])


def split_plan(plan: Mapping[str, Any], limit: int = PLAN_FILE_RESOURCES) -> list[dict[str, Any]]:
    """The plan as several plans of at most `limit` resources (more only for one larger connected group)."""
    planned = plan["planned_values"]["root_module"]["resources"]
    configured = plan["configuration"]["root_module"]["resources"]
    if len(planned) <= limit:
        return [dict(plan)]
    group_of = {resource["address"]: resource["address"] for resource in planned}

    def root(address: str) -> str:
        while group_of[address] != address:
            group_of[address] = group_of[group_of[address]]
            address = group_of[address]
        return address

    for entry in configured:
        for expression in entry["expressions"].values():
            for reference in expression["references"]:
                target = _address(reference)
                if target in group_of:
                    group_of[root(target)] = root(entry["address"])
    groups: dict[str, list[dict[str, Any]]] = {}
    for resource in planned:
        groups.setdefault(root(resource["address"]), []).append(resource)
    chunks: list[list[dict[str, Any]]] = [[]]
    for members in groups.values():
        if chunks[-1] and len(chunks[-1]) + len(members) > limit:
            chunks.append([])
        chunks[-1].extend(members)
    configuration_of = {entry["address"]: entry for entry in configured}
    return [
        {
            **{k: v for k, v in plan.items() if k not in ("planned_values", "configuration")},
            "planned_values": {"root_module": {"resources": chunk}},
            "configuration": {"root_module": {"resources": [
                configuration_of[r["address"]] for r in chunk if r["address"] in configuration_of
            ]}},
        }
        for chunk in chunks
    ]


def _run_checkov(plan: Mapping[str, Any], checks: Sequence[str], limit: int = PLAN_FILE_RESOURCES) -> list[Any]:
    """checkov's records for one plan, in-process, off the network."""
    os.environ.setdefault("CHECKOV_MAX_IAC_FILE_SIZE", "0")  # skips a slow line-numbering parse; same findings
    from checkov.runner_filter import RunnerFilter
    from checkov.terraform.plan_runner import Runner

    with tempfile.TemporaryDirectory(prefix="ferpaguard-checkov-") as private_dir:  # created mode 0700
        files = []
        for index, part in enumerate(split_plan(plan, limit)):
            path = Path(private_dir, f"plan-{index}.json")
            path.write_bytes(orjson.dumps(part))
            files.append(str(path))
        report = Runner().run(
            root_folder=None,
            files=files,
            external_checks_dir=[str(CUSTOM_CHECKS_DIR)],
            runner_filter=RunnerFilter(framework=["terraform_plan"], checks=list(checks), show_progress_bar=False),
        )
    reports = report if isinstance(report, list) else [report]
    records: list[Any] = []
    for one in reports:
        records += one.failed_checks + one.passed_checks + one.skipped_checks
    return records


def _finding(record: Any, conversion: Conversion, by_urn: Mapping[str, Resource], stack: str,
             enforcement: Enforcement) -> Finding | None:
    address = getattr(record, "resource_address", None) or record.resource
    urn = conversion.addresses.get(address)
    if urn is None:
        return None
    resource = by_urn[urn]
    metas = rules_by_checkov_id().get(record.check_id, ())
    result = record.check_result.get("result")
    result_name = getattr(result, "value", str(result))
    evaluated = sorted(str(key) for key in record.check_result.get("evaluated_keys") or ())
    unknown = conversion.unknown_attributes.get(urn, [])
    status = _status(result_name, evaluated, unknown)
    message = f"{record.check_name}: {address}"
    if status is Status.UNKNOWN:
        message += f" (reads attributes not known during preview: {', '.join(unknown)})"
    return Finding(
        rule_id=record.check_id,
        policy=record.check_name,
        title=record.check_name,
        status=status,
        enforcement=enforcement,
        severity=_severity(record.severity, metas),
        urn=urn,
        resource_type=resource.type,
        resource_name=resource.name,
        message=message,
        source=SOURCE,
        controls=_controls(metas),
        stack=stack,
        evidence={
            "terraform_address": address,
            "checkov_result": result_name,
            "evaluated_keys": evaluated,
            "mirrors": [meta.id for meta in metas],
        },
    )


def scan(
    resources: list[Resource],
    stack: str = "",
    enforcement: Enforcement = Enforcement.ADVISORY,
    checks: Sequence[str] | None = None,
    plan_file_resources: int = PLAN_FILE_RESOURCES,
) -> CheckovResult:
    """checkov's findings on `resources`, mapped back to their Pulumi URNs."""
    conversion = to_plan(resources)
    result = CheckovResult(
        skipped=conversion.skipped, unknown_attributes=conversion.unknown_attributes, addresses=conversion.addresses
    )
    if not conversion.resource_count():
        return result
    started = time.perf_counter()
    records = _run_checkov(conversion.plan, checks or allowed_checks(), plan_file_resources)
    result.duration = time.perf_counter() - started
    by_urn = {resource.urn: resource for resource in resources}
    for record in records:
        finding = _finding(record, conversion, by_urn, stack, enforcement)
        if finding is not None:
            result.findings.append(finding)
    result.findings.sort(key=lambda f: (f.urn, f.rule_id))
    return result
