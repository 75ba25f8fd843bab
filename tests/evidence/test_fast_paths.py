"""The writers' fast paths give exactly what the general code gives (they exist for 100k-finding audits)."""

from __future__ import annotations

import random
import re
import uuid

from ferpaguard.evidence import findings_json
from ferpaguard.evidence.determinism import NAMESPACE, stable_uuid
from ferpaguard.evidence.text import one_line, xml_safe
from ferpaguard.evidence.view import Scrubber, _plain, prepare
from policies.values import SECRET_SIG, SIG_KEY, UNKNOWN_STRING
from tests.evidence import factory

# The definitions before the fast paths, as the oracle.
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")
_WHITESPACE = re.compile(r"\s+")
ALPHABET = [chr(c) for c in [*range(0x250), 0x85, 0xA0, 0x1680, 0x200B, 0x2028, 0x2029, 0x3000, 0xFEFF, 0xFFFE]]


def random_texts(count: int) -> list[str]:
    rng = random.Random(20261201)

    def one() -> str:
        length = rng.randint(0, 9)
        return "".join(rng.choice(ALPHABET) if rng.random() < 0.3 else rng.choice("ab  ") for _ in range(length))

    return [one() for _ in range(count)]


def test_one_line_and_xml_safe_match_their_regular_expressions() -> None:
    for text in [*random_texts(20_000), "", " ", "a  b", "\t", "x\u2028y", "\ud800"]:
        assert one_line(text) == (_WHITESPACE.sub(" ", _CONTROL.sub(" ", text)).strip() or "-"), repr(text)
        assert xml_safe(text) == _XML_INVALID.sub("\ufffd", text), repr(text)


def test_stable_uuid_is_uuid5() -> None:
    rng = random.Random(5)
    randoms = [tuple("".join(rng.choice(ALPHABET) for _ in range(rng.randint(0, 9))) for _ in range(rng.randint(1, 4)))
               for _ in range(5000)]
    for parts in (("a",), ("observation", "x", "1"), ("", ""), ("学生", "ü"), *randoms):
        assert stable_uuid(*parts) == str(uuid.uuid5(NAMESPACE, "\x1f".join(parts))), parts


def test_finding_records_equal_to_dict() -> None:
    view = prepare(factory.broken_run())
    assert findings_json.records(view.findings) == [f.to_dict() for f in view.findings]


def test_plain_evidence_is_what_the_scrubber_would_make_of_it() -> None:
    scrubber = Scrubber([])
    plain = [{"a": 1, "b": [1.5, None, True, "text"], "c": {"d": []}}, {}, {"deep": [[[["x"]]]]}]
    for value in plain:
        assert _plain(value) and scrubber.value(value) == value
    not_plain = [{"k": (1, 2)}, {"k": UNKNOWN_STRING}, {"k": {SIG_KEY: SECRET_SIG, "value": "s"}}, {"k": "ü"},
                 {"k": object()}, {1: "int key"}]
    deep: dict = {}
    cursor = deep
    for _ in range(40):
        cursor["n"] = {}
        cursor = cursor["n"]
    for value in [*not_plain, deep]:
        assert not _plain(value)


def test_sorted_findings_is_the_whole_key_sort() -> None:
    import dataclasses

    from ferpaguard.evidence.view import finding_sort_key, sorted_findings
    from policies.model import Status

    rng = random.Random(7)
    base = factory.finding("FERPA-ENC-01", Status.PASS, "aws:rds/cluster:Cluster", "db")
    findings = [
        dataclasses.replace(
            base,
            stack=rng.choice(["org/p/a", "org/p/b", ""]),
            rule_id=rng.choice(["FERPA-ENC-01", "FERPA-TLS-02", "FERPA-NET-03"]),
            urn=rng.choice(["u1", "u2", "u3", "u10", ""]),
            status=rng.choice(list(Status)),
            message=rng.choice(["a", "b", ""]),
            source=rng.choice(["ferpaguard", "checkov"]),
            resource_name=str(index),  # tells apart findings the key does not: the sort must stay stable
        )
        for index in range(5000)
    ]
    assert sorted_findings(findings) == sorted(findings, key=finding_sort_key)
    assert sorted_findings([]) == []
