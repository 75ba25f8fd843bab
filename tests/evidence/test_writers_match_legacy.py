"""report.html and oscal/assessment-results.json, written by their fast paths, are byte for byte what the
writers gave before (tests/evidence/legacy.py), over random runs of hostile findings."""

from __future__ import annotations

import dataclasses
import datetime as dt
import random
from typing import Any

import pytest

from ferpaguard.evidence import html_report, oscal
from ferpaguard.evidence.determinism import canonical_bytes
from ferpaguard.evidence.view import EvidenceView, prepare
from ferpaguard.run import InputRef, RunResult
from policies import catalogue
from policies.model import ControlRef, Enforcement, Finding, Severity, Status
from policies.values import UNKNOWN_STRING
from tests.evidence import factory, legacy

STACKS = ["org/p/dev", "org/p/prod", ""]
HOSTILE = [
    "<script>alert(1)</script>",
    "</script>",
    "a & b &amp;",
    '"dq"',
    "'sq'",
    "x\u2028y\u2029",
    "\ud800lone",
    "\x00\x07\x1b[31m\x7f\x85",
    "tab\there\r\nline",
    "  spaced  ",
    "",
    "学生 ünïcødé",
    "\ufffe\uffff",
    "{{ 7*7 }} {% raw %}",
    '=HYPERLINK("x")',
    "compliant",
]
ODD_REFS = (
    ControlRef("NIST-800-53", "SC-28"),
    ControlRef("NIST-800-53", "SC-28"),  # named twice: counted twice, as before
    ControlRef("NIST-800-53", "SC-07"),  # sorts level with SC-7: the order of first appearance decides
    ControlRef("NIST-800-53", "SC-7"),
    ControlRef("NIST-800-53", "sc-7"),
    ControlRef("NIST-800-171", "03.13.11"),
    ControlRef("OTHER", "1"),
)


def hostile(rng: random.Random) -> str:
    return "".join(rng.choice(HOSTILE) for _ in range(rng.randint(0, 3)))


def scalar(rng: random.Random) -> Any:
    return rng.choice(
        [None, True, False, 0, -1, 2**70, 1.5, 1e16, -0.0, float("nan"), float("inf"), UNKNOWN_STRING,
         factory.MARKER_SECRET, "alias/aws/rds", "ü", hostile(rng)]
    )


def value(rng: random.Random, depth: int = 0) -> Any:
    roll = rng.random()
    if depth > 2 or roll < 0.5:
        return scalar(rng)
    if roll < 0.65:
        return factory.secret(rng.choice([factory.MARKER_SECRET, "s3cr3t-value", "ab"]))
    if roll < 0.85:
        return [value(rng, depth + 1) for _ in range(rng.randint(0, 3))]
    return {rng.choice(["k", "kmsKeyId", "é", "<b>", "z"]): value(rng, depth + 1) for _ in range(rng.randint(0, 3))}


def evidence(rng: random.Random) -> dict[str, Any]:
    if rng.random() < 0.4:
        return {}
    return {rng.choice(["property", "keys", "subnets", "target", "<k>", "ключ"]): value(rng) for _ in range(3)}


def waiver(rng: random.Random) -> dict[str, Any] | None:
    if rng.random() < 0.7:
        return None
    full = {"policy": "p", "resource": hostile(rng), "reason": hostile(rng) + " <b>edge</b>",
            "approver": "ciso@example.edu", "expires": rng.choice(["2099-12-31", 20991231, None])}
    if rng.random() < 0.2:
        full["reason"] = f"mentions {factory.MARKER_SECRET}"
        full["token"] = factory.secret(factory.MARKER_SECRET)
    return {key: item for key, item in full.items() if rng.random() < 0.8}


def random_run(seed: int, count: int) -> RunResult:
    rng = random.Random(seed)
    rules = catalogue.load().rules
    # Lone surrogates in types too: the view makes them valid text, as it does names, URNs and messages.
    types = ["aws:rds/cluster:Cluster", "aws:s3/bucketV2:BucketV2", hostile(rng)]
    names = ["db", "logs", "a" * 3, hostile(rng)]
    resources = [(rng.choice(STACKS), rng.choice(types), rng.choice(names) + str(i)) for i in range(count // 3 + 1)]
    # Some URNs name another stack, or none, so that URN order is not stack order.
    urns = {resource: f"urn:pulumi:{rng.choice(STACKS)}::proj::{resource[1]}::{resource[2]}" for resource in resources}
    findings = []
    for _ in range(count):
        stack, resource_type, name = rng.choice(resources)
        meta = rng.choice(rules)
        checkov = rng.random() < 0.15
        controls = rng.choice([meta.controls, meta.controls, tuple(meta.controls), (), ODD_REFS, ODD_REFS[2:4]])
        findings.append(
            Finding(
                rule_id=rng.choice(["CKV_AWS_16", "CKV2_AWS_x"]) if checkov else meta.id,
                policy="" if checkov else meta.name,
                title=rng.choice([meta.title, hostile(rng)]),
                status=rng.choice(list(Status)),
                enforcement=rng.choice(list(Enforcement)),
                severity=rng.choice(list(Severity)),
                urn=urns[stack, resource_type, name],
                resource_type=resource_type,
                resource_name=name,
                message=rng.choice(["compliant", "not met", hostile(rng), f"password {factory.MARKER_SECRET}"]),
                source="checkov" if checkov else "ferpaguard",
                controls=() if checkov and rng.random() < 0.5 else controls,
                stack=stack,
                evidence=evidence(rng),
                waiver=waiver(rng),
            )
        )
    moment = dt.datetime(2026, 12, 1, 12, 0, tzinfo=dt.UTC)
    inputs = [InputRef(f"exports/{stack or 'none'}.json", "c" * 64, "export", stack) for stack in STACKS[:2]]
    return RunResult("audit", "0.1.0", "ferpaguard", "0.1.0", "a" * 64, inputs, moment, moment, findings=findings,
                     waivers=[w for f in findings if (w := f.waiver)][:3], notes=[hostile(rng)])


def assert_same_output(view: EvidenceView) -> None:
    assert html_report.render(view) == legacy.render_html(view)
    assert canonical_bytes(oscal.assessment_results(view)) == canonical_bytes(legacy.assessment_results(view))


@pytest.mark.parametrize("seed", range(40))
def test_random_runs_of_hostile_findings(seed: int) -> None:
    view = prepare(random_run(seed, count=seed * 3))
    assert_same_output(view)
    if seed == 7:
        assert "&lt;/script&gt;" in html_report.render(view) and "</script>" not in html_report.render(view)


def test_a_large_run_with_shared_resources_and_tied_sort_keys() -> None:
    view = prepare(random_run(2026, count=3000))
    assert len({f.urn for f in view.findings}) < len(view.findings)
    assert_same_output(view)
    shuffled = list(view.findings)
    random.Random(1).shuffle(shuffled)
    assert_same_output(dataclasses.replace(view, findings=tuple(shuffled)))  # writers must not lean on the view's order


def test_the_hand_built_runs_and_findings_out_of_the_view_order() -> None:
    for run in (factory.broken_run(), factory.compliant_run()):
        view = prepare(run)
        assert_same_output(view)
        assert_same_output(dataclasses.replace(view, findings=tuple(reversed(view.findings))))
    empty = factory.compliant_run()
    empty.findings = []
    assert_same_output(prepare(empty))


def test_evidence_is_pretty_printed_as_json_dumps_does() -> None:
    rng = random.Random(5)
    deep: Any = "bottom"
    for _ in range(130):  # 260 levels: beyond orjson's limit
        deep = {"n": [deep]}
    odd = [deep, {1: "int key"}, {"t": (1, 2)}, {"big": 2**64, "small": -(2**63) - 1, "edge": 2**64 - 1},
           {"s": "\ud800"}, {"f": 1e16}, [float("nan")], {"ctl": "".join(map(chr, range(128)))}, {"": {}, "l": []}]
    for item in [*odd, *(value(rng) for _ in range(3000)), *(evidence(rng) for _ in range(1000))]:
        assert html_report._pretty(item) == legacy._pretty(item), repr(item)
