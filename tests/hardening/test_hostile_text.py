"""Hostile text in resource names, URNs, messages and evidence stays inert and
every output format stays valid: JSON and SARIF parse, JUnit is well-formed XML,
the HTML report has exactly the markup of a benign report, Markdown carries no
raw tag from the input, and CSV round-trips."""

from __future__ import annotations

import csv
import datetime as dt
import functools
import io
import json
import re
import tempfile
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path

import jsonschema
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ferpaguard.evidence import FORMATS, write_all
from ferpaguard.evidence.text import csv_cell
from ferpaguard.run import InputRef, RunResult
from policies.model import Finding, Status
from policies.registry import all_rules
from tests.hardening import tally
from tests.hardening.cli_runner import REPO_ROOT

SNIPPETS = ("<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "\" onmouseover=\"alert(1)", "'><b>x</b>",
            "]]>", "<!--", "-->", "<![CDATA[x]]>", "{{ 7*7 }}", "{% raw %}", "=HYPERLINK(\"http://evil\")",
            "+cmd|' /C calc'!A0", "@SUM(1)", "-2+3", "javascript:alert(1)", "| table | cell |", "[link](http://x)",
            "`code`", "**bold**", "\r\n", "\u202e\u2066evil\u2069", "\u2028\u2029", "学生", "ü", "\U0001f600",
            "&amp;", "&#x3C;script&#x3E;", "\\", "\x1b[31mred\x1b[0m")
SPECIAL_CHARS = [chr(c) for c in range(0x20)] + ["\x7f", "\x85", "\u202e", "\ufeff", "\ufffe", "<", ">", "&", '"', "'"]
LONE_SURROGATES = ("\ud800", "\udfff")
PROFILE = {"deadline": None, "derandomize": True, "database": None,
           "suppress_health_check": [HealthCheck.too_slow, HealthCheck.function_scoped_fixture]}
HOSTILE = st.lists(st.one_of(st.sampled_from(SNIPPETS), st.sampled_from(SPECIAL_CHARS), st.text(max_size=8)),
                   min_size=1, max_size=8).map("".join)
UNESCAPED_TAG = re.compile(r"(?<!\\)<\s*(/?[A-Za-z][A-Za-z0-9-]*)")


def findings(texts: list[str]) -> list[Finding]:
    """One finding per status, every free-text field from `texts` (cycled)."""
    rules = all_rules()
    made = []
    for index, status in enumerate(Status):
        meta = rules[index].meta
        text = texts[index % len(texts)]
        made.append(Finding(
            rule_id=meta.id, policy=meta.name, title=meta.title, status=status, enforcement=meta.enforcement,
            severity=meta.severity, urn=f"urn:pulumi:dev::ferpa::{meta.resource_types[0]}::{text}",
            resource_type=meta.resource_types[0], resource_name=text, message=f"{text} failed: {text}",
            controls=meta.controls, stack="ferpa/dev", evidence={"value": text, text: [text, {"k": text}]},
            waiver={"resource": text, "reason": text, "approver": text, "expires": "2030-01-01",
                    "state": "applied"} if status is Status.WAIVED else None,
        ))
    return made


def run_result(texts: list[str]) -> RunResult:
    moment = dt.datetime(2025, 3, 1, 12, 0, tzinfo=dt.UTC)
    return RunResult(command="audit", tool_version="0.1.0", pack_name="ferpaguard", pack_version="0.1.0",
                     pack_hash="a" * 64, inputs=[InputRef(path="export.json", sha256="b" * 64, kind="export",
                                                          stack="ferpa/dev")],
                     started=moment, finished=moment, findings=findings(texts), notes=[f"note {t}" for t in texts],
                     skipped=[{"urn": t, "type": "aws:x:Y", "reason": t} for t in texts])


class Markup(HTMLParser):
    """The sequence of start tags with their attribute names: what a browser would build."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, tuple[str, ...]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, tuple(sorted(name for name, _ in attrs))))


def markup(html: str) -> list[tuple[str, tuple[str, ...]]]:
    parser = Markup()
    parser.feed(html)
    parser.close()
    return parser.tags


def write(out: Path, texts: list[str]) -> dict[str, str]:
    write_all(run_result(texts), FORMATS, out)
    return {p.relative_to(out).as_posix(): p.read_bytes().decode("utf-8") for p in out.rglob("*") if p.is_file()}


@functools.cache
def benign(count: int) -> dict[str, str]:
    """The outputs of the same run shape with `count` harmless texts: the markup hostile text must not change."""
    with tempfile.TemporaryDirectory() as directory:
        return write(Path(directory), ["plain-name"] * count)


def assert_inert(files: dict[str, str], texts: list[str]) -> None:
    plain = benign(len(texts))
    assert set(files) == set(plain)
    for name, content in files.items():
        if name.endswith((".json", ".sarif")):
            json.loads(content)
    junit = ET.fromstring(files["findings.junit.xml"])
    assert len(junit.findall(".//testcase")) == len(ET.fromstring(plain["findings.junit.xml"]).findall(".//testcase"))
    html = files["report.html"]
    assert html.lower().count("<script") == plain["report.html"].lower().count("<script")
    assert markup(html) == markup(plain["report.html"])
    assert sorted(UNESCAPED_TAG.findall(files["report.md"])) == sorted(UNESCAPED_TAG.findall(plain["report.md"]))
    rows = list(csv.reader(io.StringIO(files["findings.csv"], newline="")))
    assert len(rows) == len(benign_rows(plain))
    header = rows[0]
    names = sorted(row[header.index("resource_name")] for row in rows[1:])
    expected = sorted(csv_cell(finding.resource_name) for finding in findings(texts))
    assert names == expected


def benign_rows(plain: dict[str, str]) -> list[list[str]]:
    return list(csv.reader(io.StringIO(plain["findings.csv"], newline="")))


@settings(max_examples=40, **PROFILE)
@given(texts=st.lists(HOSTILE, min_size=1, max_size=3))
def test_hostile_text_is_inert_in_every_format(tmp_path_factory: pytest.TempPathFactory, texts: list[str]) -> None:
    with tally.timed("hostile text, all formats"):
        files = write(tmp_path_factory.mktemp("hostile"), texts)
        assert_inert(files, texts)
    tally.count("hostile text, all formats")


def test_every_snippet_at_once_and_sarif_schema(tmp_path: Path) -> None:
    texts = ["".join(SNIPPETS), "".join(SPECIAL_CHARS), *SNIPPETS]
    files = write(tmp_path, texts)
    assert_inert(files, texts)
    schema = json.loads((REPO_ROOT / "tests" / "schemas" / "sarif-schema-2.1.0.json").read_text())
    jsonschema.validate(json.loads(files["findings.sarif"]), schema)


@pytest.mark.parametrize("surrogate", LONE_SURROGATES, ids=["high", "low"])
def test_lone_surrogates_do_not_break_the_writers(tmp_path: Path, surrogate: str) -> None:
    texts = [f"name{surrogate}tail"]
    files = write(tmp_path, texts)
    assert_inert(files, texts)



@pytest.mark.parametrize("surrogate", LONE_SURROGATES, ids=["high", "low"])
def test_a_lone_surrogate_in_a_resource_type_does_not_break_the_writers(tmp_path: Path, surrogate: str) -> None:
    # A program may name a component type with any string; every writer must still produce valid UTF-8.
    run = run_result(["plain-name"])
    for finding in run.findings:
        finding.resource_type = f"my:custom{surrogate}:Type"
    write_all(run, FORMATS, tmp_path)
    for path in tmp_path.rglob("*"):
        if path.is_file():
            path.read_bytes().decode("utf-8")
    assert "my:custom\ufffd:Type" in (tmp_path / "findings.csv").read_text(encoding="utf-8")
