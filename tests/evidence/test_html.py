import re
from pathlib import Path

from tests.evidence import factory

EXTERNAL = [
    re.compile(r"<script[^>]*\bsrc\s*=", re.I),
    re.compile(r"<link[^>]*\bhref\s*=", re.I),
    re.compile(r"url\(\s*['\"]?(https?:)?//", re.I),
    re.compile(r"@import", re.I),
    re.compile(r"<(img|iframe|object|embed)[^>]*\bsrc\s*=\s*['\"]?(https?:)?//", re.I),
]


def html(directory: Path) -> str:
    return (directory / "report.html").read_text(encoding="utf-8")


def test_self_contained_without_scripts_or_external_references(broken_dir: Path) -> None:
    page = html(broken_dir)
    for pattern in EXTERNAL:
        assert not pattern.search(page), pattern.pattern
    assert "<script" not in page.lower()
    assert "<style>" in page


def test_hostile_name_and_waiver_reason_are_escaped(broken_dir: Path) -> None:
    page = html(broken_dir)
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &#34;dq&#34; &#39;sq&#39;" in page
    assert "&lt;b&gt;edge&lt;/b&gt;" in page
    assert "<b>edge</b>" not in page
    assert "\x07" not in page and "\x1b" not in page


def test_organised_by_control_with_evidence_waivers_and_scope(broken_dir: Path) -> None:
    page = html(broken_dir)
    assert "<td>SC-28</td><td>Protection of Information at Rest</td>" in page
    assert "<td>03.13.11</td><td>Cryptographic Protection</td>" in page
    assert "<td>99.32</td>" in page
    assert '<a href="#rule-FERPA-ENC-01">FERPA-ENC-01</a>' in page
    assert 'id="rule-FERPA-ENC-01"' in page
    assert "alias/aws/rds" in page and "[secret]" in page
    assert "approved by ciso@example.edu, expires 2099-12-31" in page
    for heading in ("Scope.", "Method.", "Limitations."):
        assert heading in page
    assert factory.INPUT_SHA in page and factory.PACK_HASH in page


def test_control_status_rolls_up_the_worst_result(broken_dir: Path, compliant_dir: Path) -> None:
    row = '<td>SC-28</td><td>Protection of Information at Rest</td><td><span class="status status-{}">'
    assert row.format("fail") in html(broken_dir)
    assert row.format("pass") in html(compliant_dir)
