import copy
import json
from pathlib import Path
from typing import Any

from ferpaguard.evidence import oscal
from tests.evidence.schemas import control_ids, errors, oscal_validator

AR_SCHEMA = "oscal_assessment-results_schema.json"
CD_SCHEMA = "oscal_component_schema.json"
CATALOG_KEYS = {"NIST-800-53": "nist-800-53-rev5", "NIST-800-171": "nist-800-171-rev3"}


def load(directory: Path, name: str) -> dict:
    return json.loads((directory / "oscal" / name).read_text(encoding="utf-8"))


def walk(node: Any):
    if isinstance(node, dict):
        yield node
        for value in node.values():
            yield from walk(value)
    elif isinstance(node, list):
        for value in node:
            yield from walk(value)


def uuid_references(document: dict) -> tuple[set[str], set[str]]:
    defined = {node["uuid"] for node in walk(document) if "uuid" in node}
    referenced = set()
    for node in walk(document):
        for key, value in node.items():
            if key.endswith("-uuid") and isinstance(value, str):
                referenced.add(value)
            if key == "href" and isinstance(value, str) and value.startswith("#"):
                referenced.add(value[1:])
    return defined, referenced


def test_assessment_results_and_component_definition_are_schema_valid(broken_dir: Path, compliant_dir: Path) -> None:
    for directory in (broken_dir, compliant_dir):
        assert errors(oscal_validator(AR_SCHEMA), load(directory, oscal.ASSESSMENT_RESULTS)) == []
        assert errors(oscal_validator(CD_SCHEMA), load(directory, oscal.COMPONENT_DEFINITION)) == []


def test_the_validator_enforces_oscal_token_patterns(broken_dir: Path) -> None:
    document = load(broken_dir, oscal.ASSESSMENT_RESULTS)
    broken = copy.deepcopy(document)
    broken["assessment-results"]["results"][0]["reviewed-controls"]["control-selections"][0]["include-controls"][0][
        "control-id"
    ] = "03.13.11"
    assert any("03.13.11" in e for e in errors(oscal_validator(AR_SCHEMA), broken))


def test_every_uuid_reference_resolves_and_uuids_are_unique(broken_dir: Path) -> None:
    for name in (oscal.ASSESSMENT_RESULTS, oscal.COMPONENT_DEFINITION):
        document = load(broken_dir, name)
        defined, referenced = uuid_references(document)
        assert referenced <= defined, referenced - defined
        all_uuids = [node["uuid"] for node in walk(document) if "uuid" in node]
        assert len(all_uuids) == len(set(all_uuids))


def test_control_ids_exist_in_the_nist_catalogs(broken_dir: Path) -> None:
    known = control_ids()
    results = load(broken_dir, oscal.ASSESSMENT_RESULTS)["assessment-results"]["results"][0]
    selected = [
        c["control-id"] for s in results["reviewed-controls"]["control-selections"] for c in s["include-controls"]
    ]
    assert "sc-28" in selected and "SP_800_171_03.13.11" in selected
    assert all(c in known["nist-800-53-rev5"] | known["nist-800-171-rev3"] for c in selected)
    component = load(broken_dir, oscal.COMPONENT_DEFINITION)["component-definition"]["components"][0]
    for implementation in component["control-implementations"]:
        catalog = "nist-800-53-rev5" if "SP800-53" in implementation["source"] else "nist-800-171-rev3"
        for requirement in implementation["implemented-requirements"]:
            assert requirement["control-id"] in known[catalog], requirement["control-id"]


def test_component_definition_covers_every_nist_control_of_the_catalogue(broken_dir: Path) -> None:
    from policies import catalogue

    expected = {
        oscal.OSCAL_CATALOGS[ref.framework].control_id(ref.id)
        for meta in catalogue.load().rules
        for ref in meta.controls
        if ref.framework in CATALOG_KEYS
    }
    component = load(broken_dir, oscal.COMPONENT_DEFINITION)["component-definition"]["components"][0]
    implemented = {r["control-id"] for i in component["control-implementations"] for r in i["implemented-requirements"]}
    assert implemented == expected
    rule_props = {
        p["value"]
        for i in component["control-implementations"]
        for r in i["implemented-requirements"]
        for p in r["props"]
        if p["name"] == "rule-id"
    }
    assert rule_props == {m.id for m in catalogue.load().rules}


def test_observations_are_automated_tests_of_each_evaluation(broken_dir: Path) -> None:
    result = load(broken_dir, oscal.ASSESSMENT_RESULTS)["assessment-results"]["results"][0]
    observations = result["observations"]
    assert len(observations) == 8
    assert len(result["local-definitions"]["inventory-items"]) == 5
    for observation in observations:
        assert observation["methods"] == ["TEST"]
        props = {(p["name"], p["value"]) for p in observation["props"]}
        assert ("method", "TEST-AUTOMATED") in props
    waived = next(o for o in observations if ("status", "waived") in {(p["name"], p["value"]) for p in o["props"]})
    assert "ciso@example.edu" in waived["remarks"]


def test_findings_per_control_are_satisfied_only_when_everything_passes(broken_dir: Path, compliant_dir: Path) -> None:
    def states(directory: Path) -> dict[str, tuple[str, str]]:
        result = load(directory, oscal.ASSESSMENT_RESULTS)["assessment-results"]["results"][0]
        return {
            f["target"]["target-id"]: (f["target"]["status"]["state"], f["target"]["status"]["reason"])
            for f in result["findings"]
        }

    broken = states(broken_dir)
    assert broken["sc-28_smt"] == ("not-satisfied", "fail")
    assert broken["statement_03.13.11"] == ("not-satisfied", "fail")
    assert broken["au-2_smt"] == ("not-satisfied", "other")  # only a waived failure
    assert broken["sc-7_smt"] == ("not-satisfied", "fail")  # FERPA-NET-01 passed, FERPA-LINK-01 failed
    assert "cp-9_smt" not in broken  # not applicable everywhere: nothing was assessed
    compliant = states(compliant_dir)
    assert compliant and all(value == ("satisfied", "pass") for value in compliant.values())


def test_no_secret_and_no_multiline_text(broken_dir: Path) -> None:
    raw = (broken_dir / "oscal" / oscal.ASSESSMENT_RESULTS).read_text(encoding="utf-8")
    assert "hunter2" not in raw
    assert "[secret]" in raw
