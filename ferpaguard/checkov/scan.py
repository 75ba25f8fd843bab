"""checkov as ferpaguard's second opinion: converts the resources, runs checkov on an
allow-list of checks in checkov's own environment (a separate process, see environment.py
and _runner.py), and reports in the one Finding model.

The plan is written to a private temporary directory (checkov's runner reads files) and
deleted afterwards; it holds no secret strings (see convert.py). Whatever goes wrong on
checkov's side (no environment, a crash, a time-out, output that is not the runner's JSON)
raises `CheckovUnavailable` with one line saying why; the caller keeps its own verdict.
"""

from __future__ import annotations

import functools
import json
import os
import signal
import subprocess
import tempfile
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

import orjson

from ferpaguard.checkov import environment
from ferpaguard.checkov.convert import Conversion, to_plan
from ferpaguard.checkov.environment import CheckovPython, CheckovUnavailable
from policies import catalogue
from policies.model import ControlRef, Enforcement, Finding, Resource, RuleMeta, Severity, Status

CUSTOM_CHECKS_DIR = Path(__file__).with_name("custom_checks")
RUNNER = Path(__file__).with_name("_runner.py")
SOURCE = "checkov"
TIMEOUT_ENV: Final = "FERPAGUARD_CHECKOV_TIMEOUT"
DEFAULT_TIMEOUT: Final = 900.0  # seconds for one stack; 10,000 resources take about 10 s
_RECORD_FIELDS: Final = ("check_id", "check_name", "resource_address", "result")

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
    duration: float = 0.0  # seconds spent in checkov's process (start, import, parse, checks)
    addresses: dict[str, str] = field(default_factory=dict)  # Terraform address -> URN
    checkov_version: str = ""
    notes: list[str] = field(default_factory=list)  # what checkov could not look at


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


def _severity(name: Any, metas: Sequence[RuleMeta]) -> Severity:
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


def write_plans(plan: Mapping[str, Any], directory: str, limit: int = PLAN_FILE_RESOURCES) -> list[str]:
    """The plan as JSON files in `directory` (stdlib json past orjson's depth limit of 254)."""
    files = []
    for index, part in enumerate(split_plan(plan, limit)):
        path = Path(directory, f"plan-{index}.json")
        try:
            data = orjson.dumps(part)
        except orjson.JSONEncodeError:
            try:
                data = json.dumps(part).encode()
            except RecursionError:
                raise CheckovUnavailable("the converted plan is nested too deeply to write for checkov") from None
        path.write_bytes(data)
        files.append(str(path))
    return files


def timeout_seconds() -> float:
    raw = os.environ.get(TIMEOUT_ENV, "")
    try:
        value = float(raw) if raw else DEFAULT_TIMEOUT
    except ValueError:
        raise CheckovUnavailable(f"{TIMEOUT_ENV}={raw!r} is not a number of seconds") from None
    if not value > 0:
        raise CheckovUnavailable(f"{TIMEOUT_ENV}={raw!r} is not a positive number of seconds")
    return value


def _last_line(stderr: bytes) -> str:
    lines = [line.strip() for line in stderr.decode("utf-8", errors="replace").splitlines() if line.strip()]
    ours = [line.removeprefix("ferpaguard-checkov: ") for line in lines if line.startswith("ferpaguard-checkov: ")]
    return " ".join((ours or lines or ["no message"])[-1].split())[:300]


def run_runner(python: CheckovPython, job: Mapping[str, Any], cwd: str, timeout: float) -> dict[str, Any]:
    """The runner's result for `job`, run with checkov's interpreter; CheckovUnavailable on any trouble."""
    command = [str(python.python), "-E", str(RUNNER)]
    try:
        process = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                   cwd=cwd, start_new_session=True)
    except OSError as error:
        raise CheckovUnavailable(f"cannot start checkov's Python {python.python} ({python.origin}): "
                                 f"{error.strerror or error}") from None
    try:
        stdout, stderr = process.communicate(orjson.dumps(job), timeout=timeout)
    except subprocess.TimeoutExpired:
        raise CheckovUnavailable(f"checkov took longer than {timeout:g} s and was stopped "
                                 f"(set {TIMEOUT_ENV} to allow more)") from None
    finally:
        _kill_group(process)  # whatever checkov started and left behind
    if process.returncode != 0:
        how = f"was killed by signal {-process.returncode}" if process.returncode < 0 else \
            f"exited with code {process.returncode}"
        raise CheckovUnavailable(f"checkov ({python.python}, {python.origin}) {how}: {_last_line(stderr)}")
    return _parse_result(stdout, python)


def _kill_group(process: subprocess.Popen[bytes]) -> None:
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    process.wait()


def _parse_result(stdout: bytes, python: CheckovPython) -> dict[str, Any]:
    unreadable = CheckovUnavailable(f"checkov ({python.python}, {python.origin}) wrote output that is not "
                                    "ferpaguard's runner result")
    try:
        result = orjson.loads(stdout)
    except orjson.JSONDecodeError:
        raise unreadable from None
    if not isinstance(result, dict) or not isinstance(result.get("records"), list):
        raise unreadable
    for record in result["records"]:
        if not isinstance(record, dict) or not all(isinstance(record.get(key), str) for key in _RECORD_FIELDS):
            raise unreadable
        if not isinstance(record.get("evaluated_keys", []), list):
            raise unreadable
    if not isinstance(result.get("parsing_errors", []), list) or not isinstance(result.get("checkov_version", ""),
                                                                                 str):
        raise unreadable
    return result


def _run_checkov(plan: Mapping[str, Any], checks: Sequence[str], python: CheckovPython,
                 limit: int = PLAN_FILE_RESOURCES) -> dict[str, Any]:
    """checkov's result for one plan, in checkov's own process, off the network."""
    timeout = timeout_seconds()
    with tempfile.TemporaryDirectory(prefix="ferpaguard-checkov-") as private_dir:  # created mode 0700
        files = write_plans(plan, private_dir, limit)
        job = {"plan_files": files, "checks": list(checks), "external_checks_dirs": [str(CUSTOM_CHECKS_DIR)]}
        return run_runner(python, job, private_dir, timeout)


def _finding(record: Mapping[str, Any], conversion: Conversion, by_urn: Mapping[str, Resource], stack: str,
             enforcement: Enforcement) -> Finding | None:
    address = record["resource_address"]
    urn = conversion.addresses.get(address)
    if urn is None:
        return None
    resource = by_urn[urn]
    check_id, check_name = record["check_id"], record["check_name"]
    metas = rules_by_checkov_id().get(check_id, ())
    result_name = record["result"]
    evaluated = sorted(str(key) for key in record.get("evaluated_keys") or ())
    unknown = conversion.unknown_attributes.get(urn, [])
    status = _status(result_name, evaluated, unknown)
    message = f"{check_name}: {address}"
    if status is Status.UNKNOWN:
        message += f" (reads attributes not known during preview: {', '.join(unknown)})"
    return Finding(
        rule_id=check_id,
        policy=check_name,
        title=check_name,
        status=status,
        enforcement=enforcement,
        severity=_severity(record.get("severity"), metas),
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
    python: CheckovPython | None = None,
) -> CheckovResult:
    """checkov's findings on `resources`, mapped back to their Pulumi URNs.

    `python` is checkov's interpreter (default: `environment.find()`); raises CheckovUnavailable.
    """
    try:
        conversion = to_plan(resources)
    except RecursionError:
        raise CheckovUnavailable("the resources are nested too deeply to convert for checkov") from None
    result = CheckovResult(
        skipped=conversion.skipped, unknown_attributes=conversion.unknown_attributes, addresses=conversion.addresses
    )
    if not conversion.resource_count():
        return result
    python = python or environment.find()
    started = time.perf_counter()
    output = _run_checkov(conversion.plan, checks or allowed_checks(), python, plan_file_resources)
    result.duration = time.perf_counter() - started
    result.checkov_version = output.get("checkov_version", "")
    if output.get("parsing_errors"):
        result.notes.append(f"checkov could not parse {len(output['parsing_errors'])} of its plan file(s): "
                            "the resources in them have no checkov verdict")
    by_urn = {resource.urn: resource for resource in resources}
    for record in output["records"]:
        finding = _finding(record, conversion, by_urn, stack, enforcement)
        if finding is not None:
            result.findings.append(finding)
    result.findings.sort(key=lambda f: (f.urn, f.rule_id))
    return result
