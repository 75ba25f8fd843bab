"""The JUnit and CSV writers write exactly the bytes of their general versions (tests/evidence/legacy_writers.py:
ElementTree and csv.writer), for random runs full of hostile text, secrets, waivers and many stacks."""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import io
import itertools
import random
import xml.etree.ElementTree as ET
from typing import Any

import pytest

from ferpaguard.evidence import csv_report, junit
from ferpaguard.evidence.text import csv_cell, xml_safe
from ferpaguard.evidence.view import EvidenceView, prepare
from ferpaguard.run import InputRef, RunResult
from policies import catalogue
from policies.model import ControlRef, Enforcement, Finding, Severity, Status
from policies.values import SECRET_SIG, SIG_KEY, UNKNOWN_STRING
from tests.evidence import legacy_writers

MARKER = "s3cr3t-MARKER-4411"
HOSTILE = ["<", ">", "&", '"', "'", "]]>", "&amp;", ",", ";", "\r", "\n", "\r\n", "\t", "\x00", "\x07", "\x1b",
           "\x0b", "\x7f", "\x85", "\u2028", "\u2029", "\ud800", "\udfff", "\ufffe", "\uffff", "\ufeff", "ü", "学生",
           "\U0001f600", "=", "+", "-", "@", " ", "  ", "%s", "{x}", "\\"]
FORMULA_STARTS = ["=", "+", "-", "@", "\t", "\r", "'"]
CHECKOV_IDS = ["CKV_AWS_1", "CKV_AWS_2", "CKV_AWS_3"]


def hostile_text(rng: random.Random, longest: int = 12) -> str:
    pieces = [rng.choice(HOSTILE) if rng.random() < 0.4 else rng.choice(["ab", "x", "db-1", "1.5"])
              for _ in range(rng.randint(0, longest))]
    if rng.random() < 0.2:
        pieces.insert(0, rng.choice(FORMULA_STARTS))
    return "".join(pieces)


def some_text(rng: random.Random) -> str:
    """Mostly plain text, as at scale, sometimes hostile."""
    return hostile_text(rng) if rng.random() < 0.5 else rng.choice(["bucket-7", "student-db", "compliant", ""])


def evidence_value(rng: random.Random, depth: int = 0) -> Any:
    kind = rng.randrange(12 if depth < 4 else 8)
    if kind == 0:
        return rng.choice([0.1, 1e16, 1e-7, -0.0, 2.5e300, 3.0, float("inf"), float("nan")])
    if kind == 1:
        return rng.choice([0, -1, 2**63, 2**70 + 1, -(2**100)])
    if kind == 2:
        return rng.choice([True, False, None])
    if kind == 3:
        return {SIG_KEY: SECRET_SIG, "value": rng.choice([MARKER, f"{MARKER}-b"])}
    if kind == 4:
        return UNKNOWN_STRING
    if kind in (5, 6, 7):
        return hostile_text(rng)
    if kind in (8, 9):
        return [evidence_value(rng, depth + 1) for _ in range(rng.randint(0, 3))]
    if kind == 10:
        return tuple(evidence_value(rng, depth + 1) for _ in range(rng.randint(0, 2)))
    return {hostile_text(rng, 4): evidence_value(rng, depth + 1) for _ in range(rng.randint(0, 3))}


def waiver(rng: random.Random) -> dict[str, Any] | None:
    if rng.random() < 0.6:
        return None
    fields = {"reason": some_text(rng), "approver": f"{MARKER} or ciso@example.edu", "expires": dt.date(2099, 1, 2),
              "policy": "p", "resource": "r"}
    return {key: value for key, value in fields.items() if rng.random() < 0.7}


def random_run(seed: int, count: int) -> RunResult:
    rng = random.Random(seed)
    rules = catalogue.load().rules
    stacks = ["", "dev", "org/proj/prod", "org/proj/<b>&", "z-ü"][: rng.randint(1, 5)]
    urns = [f"urn:pulumi:s::p::aws:s3/bucketV2:BucketV2::{some_text(rng)}" for _ in range(max(1, count // 3))]
    findings = []
    checkov_meta = dataclasses.replace(rules[0], name="checkov", title="A checkov check")
    for _ in range(count):
        checkov = rng.random() < 0.1
        meta = checkov_meta if checkov else rng.choice(rules)
        # Each column mostly the rule's own value (a view's rows come in runs of one rule), now and then not.
        findings.append(Finding(
            rule_id=rng.choice(CHECKOV_IDS) if checkov else meta.id,
            policy=some_text(rng) if rng.random() < 0.05 else meta.name,
            title=hostile_text(rng) if rng.random() < 0.05 else meta.title,
            status=rng.choice(list(Status)),
            enforcement=rng.choice(list(Enforcement)) if rng.random() < 0.15 else meta.enforcement,
            severity=rng.choice(list(Severity)) if rng.random() < 0.15 else meta.severity,
            urn=rng.choice(urns),
            resource_type=rng.choice(["aws:s3/bucketV2:BucketV2", "aws:rds/cluster:Cluster", some_text(rng)]),
            resource_name=some_text(rng),
            message=rng.choice([some_text(rng), f"password {MARKER} in plaintext", "a", "b"]),
            source=rng.choice(["checkov", "ferpaguard", "<src>"]) if rng.random() < 0.2 else "ferpaguard",
            # A fresh tuple now and then: equal controls that are not the rule's own object.
            controls=tuple(meta.controls) if rng.random() < 0.2 else meta.controls,
            stack=rng.choice(stacks),
            evidence={} if rng.random() < 0.4 else {hostile_text(rng, 3): evidence_value(rng) for _ in range(3)},
            waiver=waiver(rng),
        ))
    inputs = [InputRef(f"exports/{stack or 'default'}\u2028<&>.json", "c" * 64, "export", stack)
              for stack in stacks if rng.random() < 0.8]
    moment = dt.datetime(2026, 1, 2, 3, 4, 5, tzinfo=dt.UTC)
    return RunResult("audit", hostile_text(rng), hostile_text(rng), "1.0\t<x>", "d" * 64, inputs, moment, moment,
                     findings=findings)


def assert_same(view: EvidenceView, well_formed: bool = True) -> None:
    old_xml, new_xml = legacy_writers.junit_document(view), junit.document(view)
    assert new_xml == old_xml
    if well_formed:
        ET.fromstring(new_xml)
    old_csv, new_csv = legacy_writers.csv_render(view), csv_report.render(view)
    assert new_csv == old_csv
    assert MARKER not in new_csv and MARKER.encode() not in new_xml


@pytest.mark.parametrize("seed", range(12))
def test_random_runs_give_the_general_writers_bytes(seed: int) -> None:
    view = prepare(random_run(seed, 300))
    assert len({f.stack for f in view.findings}) >= 1 and any(f.waiver for f in view.findings)
    assert_same(view)


def test_findings_out_of_the_view_order_are_grouped_as_before() -> None:
    view = prepare(random_run(99, 400))
    shuffled = list(view.findings)
    random.Random(1).shuffle(shuffled)
    assert_same(dataclasses.replace(view, findings=tuple(shuffled)))
    assert_same(dataclasses.replace(view, findings=tuple(reversed(view.findings))))
    segments = [list(group) for _, group in itertools.groupby(view.findings, key=lambda f: f.stack)]
    assert len(segments) > 2
    stacks_reversed = [finding for segment in reversed(segments) for finding in segment]
    cases_reversed = [finding for segment in segments for finding in reversed(segment)]
    assert_same(dataclasses.replace(view, findings=tuple(stacks_reversed)))
    assert_same(dataclasses.replace(view, findings=tuple(cases_reversed)))
    rules = [list(group) for _, group in itertools.groupby(view.findings, key=lambda f: (f.stack, f.rule_id))]
    urns_reversed = [finding for segment in rules for finding in reversed(segment)]
    assert_same(dataclasses.replace(view, findings=tuple(urns_reversed)))


def test_one_resource_with_many_outcomes_of_one_rule() -> None:
    run = random_run(5, 60)
    first = run.findings[0]
    run.findings[:] = [dataclasses.replace(f, rule_id=first.rule_id, urn=first.urn, stack=first.stack)
                       for f in run.findings]
    assert_same(prepare(run))


def test_no_findings_and_hostile_run_metadata() -> None:
    run = random_run(3, 0)
    assert_same(prepare(run))
    assert junit.document(prepare(run)).endswith(b' time="0" />\n')
    bare = dataclasses.replace(prepare(random_run(4, 20)), inputs=(), stack_uris={}, pack_hash='\n"<&\x01\ud800')
    assert_same(bare, well_formed=False)  # the pack hash is written as given, control character and all


def test_fresh_controls_tuples_give_their_own_labels() -> None:
    run = random_run(8, 50)
    refs = [ControlRef("FERPA", "99.31(a)"), ControlRef("NIST-800-53", "SC-28"), ControlRef("X", "=1,\"2\"")]
    run.findings[:] = [dataclasses.replace(f, controls=tuple(refs[: i % 4])) for i, f in enumerate(run.findings)]
    assert_same(prepare(run))


def test_escaping_matches_elementtree_on_every_single_character_and_random_text() -> None:
    rng = random.Random(2026)
    texts = [chr(c) for c in range(0x3000) if not 0xD800 <= c <= 0xDFFF]
    texts += [hostile_text(rng, 20) for _ in range(3000)]
    for text in texts:
        safe = xml_safe(text)
        element = ET.Element("e", {"a": safe})
        element.text = safe
        expected = ET.tostring(element, encoding="utf-8")
        written = f'<e a="{junit.escape_attribute(safe)}">{junit.escape_text(safe)}</e>' if safe else \
            f'<e a="{junit.escape_attribute(safe)}" />'
        assert written.encode("utf-8", "xmlcharrefreplace") == expected, repr(text)


def test_csv_fields_match_csv_writer_on_every_single_character_and_random_text() -> None:
    rng = random.Random(2027)
    texts = [chr(c) for c in range(0x3000)] + [hostile_text(rng, 20) for _ in range(3000)]
    texts += [prefix + text for prefix in FORMULA_STARTS for text in ("", "1", "a,b", 'x"y', "\n")]
    for text in texts:
        buffer = io.StringIO()
        csv.writer(buffer, quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n").writerow([csv_cell(text), "x"])
        assert f"{csv_report.field(text)},x\r\n" == buffer.getvalue(), repr(text)
