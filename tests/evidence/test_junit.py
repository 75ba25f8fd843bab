import xml.etree.ElementTree as ET
from pathlib import Path

from junitparser import Error, Failure, JUnitXml, Skipped

from tests.evidence import factory


def cases(directory: Path) -> list:
    xml = JUnitXml.fromfile(str(directory / "findings.junit.xml"))
    return [case for suite in xml for case in suite]


def test_one_case_per_rule_and_resource_with_the_right_counts(broken_dir: Path) -> None:
    xml = JUnitXml.fromfile(str(broken_dir / "findings.junit.xml"))
    assert (xml.tests, xml.failures, xml.errors, xml.skipped) == (8, 3, 1, 2)
    results = {(c.classname, c.name): type(c.result[0]) if c.result else None for c in cases(broken_dir)}
    cluster = factory.urn(factory.CLUSTER, "student-db")
    assert results[("FERPA-ENC-01", cluster)] is Failure
    assert results[("FERPA-NET-01", cluster)] is None
    assert results[("FERPA-RES-01", cluster)] is Skipped
    assert results[("FERPA-TLS-01", factory.urn(factory.REPLICATION_GROUP, "sessions"))] is Error
    assert results[("FERPA-LOG-01", factory.urn(factory.STAGE, "prod"))] is Skipped


def test_waived_case_names_the_waiver(broken_dir: Path) -> None:
    waived = next(c for c in cases(broken_dir) if c.classname == "FERPA-LOG-01")
    assert "ciso@example.edu" in waived.result[0].message and "2099-12-31" in waived.result[0].message


def test_properties_carry_versions_and_hashes(broken_dir: Path) -> None:
    suite = next(iter(JUnitXml.fromfile(str(broken_dir / "findings.junit.xml"))))
    properties = {p.name: p.value for p in suite.properties()}
    assert properties["pack.sha256"] == factory.PACK_HASH
    assert properties["input.0.sha256"] == factory.INPUT_SHA
    assert properties["ferpaguard.version"] == "0.1.0"


def test_hostile_name_is_well_formed_xml(broken_dir: Path) -> None:
    raw = (broken_dir / "findings.junit.xml").read_bytes()
    ET.fromstring(raw)  # strict parser: raises on characters XML 1.0 forbids
    assert b"\x07" not in raw and b"\x1b" not in raw
    link = next(c for c in cases(broken_dir) if c.classname == "FERPA-LINK-01")
    assert "<script>alert(1)</script>" in link.name
    assert "ünïcødé 学生" in link.name
