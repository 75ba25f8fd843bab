import dataclasses
import datetime as dt
import random
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from ferpaguard.evidence import FORMATS, write_all, write_bundle
from ferpaguard.evidence.bundle import ENVELOPE, PUBLIC_KEY
from tests.evidence import factory


def files(directory: Path) -> dict[str, bytes]:
    return {p.relative_to(directory).as_posix(): p.read_bytes() for p in sorted(directory.rglob("*")) if p.is_file()}


def export(directory: Path, run, key: Path | None) -> dict[str, bytes]:
    write_all(run, FORMATS, directory)
    write_bundle(directory, run, key)
    return files(directory)


def test_same_inputs_give_byte_identical_files(tmp_path: Path) -> None:
    first = export(tmp_path / "a", factory.broken_run(), None)
    second = factory.broken_run()
    random.Random(7).shuffle(second.findings)
    second.timings = {"evaluate": 99.0}
    other = export(tmp_path / "b", second, None)
    assert set(first) == set(other)
    differing = {name for name in first if first[name] != other[name]}
    assert differing == {ENVELOPE, PUBLIC_KEY}  # fresh keys each time: only the signature and its key differ


def test_same_signing_key_gives_an_identical_signature_too(tmp_path: Path) -> None:
    key = Ed25519PrivateKey.generate()
    pem = tmp_path / "key.pem"
    pem.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    assert export(tmp_path / "a", factory.broken_run(), pem) == export(tmp_path / "b", factory.broken_run(), pem)


def test_times_after_source_date_epoch_are_clamped(tmp_path: Path) -> None:
    late = factory.broken_run()
    late.started = dt.datetime.now(dt.UTC)
    late.finished = late.started + dt.timedelta(seconds=3)
    write_all(late, ["json"], tmp_path)
    text = (tmp_path / "findings.json").read_text()
    assert '"started": "2025-03-03T11:06:40Z"' in text and '"finished": "2025-03-03T11:06:40Z"' in text


def test_no_format_contains_the_marker_secret(tmp_path: Path) -> None:
    exported = export(tmp_path / "out", factory.broken_run(), None)
    assert len(exported) == 11
    for name, content in exported.items():
        assert factory.MARKER_SECRET.encode() not in content, name
    assert b"[secret]" in exported["findings.json"]


def test_checkov_findings_without_catalogue_metadata_are_exported(tmp_path: Path) -> None:
    run = factory.broken_run()
    template = run.findings[0]
    run.findings.append(
        dataclasses.replace(template, rule_id="CKV_AWS_16", policy="", source="checkov", controls=(), evidence={})
    )
    written = write_all(run, FORMATS, tmp_path)
    assert len(written) == 8
    assert "CKV_AWS_16" in (tmp_path / "report.html").read_text()
    assert "CKV_AWS_16" in (tmp_path / "findings.sarif").read_text()


def test_unknown_format_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="unknown evidence format"):
        write_all(factory.broken_run(), ["json", "pdf"], tmp_path)


def test_a_run_without_findings_still_exports_valid_documents(tmp_path: Path) -> None:
    import json

    from tests.evidence.schemas import errors, findings_validator, oscal_validator, sarif_validator

    empty = factory.compliant_run()
    empty.findings = []
    write_all(empty, FORMATS, tmp_path)

    def load(name: str) -> dict:
        return json.loads((tmp_path / name).read_text())

    assert errors(findings_validator(), load("findings.json")) == []
    assert errors(sarif_validator(), load("findings.sarif")) == []
    assert errors(oscal_validator("oscal_assessment-results_schema.json"), load("oscal/assessment-results.json")) == []
    assert errors(oscal_validator("oscal_component_schema.json"), load("oscal/component-definition.json")) == []
