"""The catalogue and registry: well-formed, complete, and documented."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from click.testing import CliRunner

from ferpaguard import catalogue_docs
from ferpaguard.cli import cli
from policies.catalogue import load
from policies.model import Enforcement, RuleKind
from policies.registry import all_rules

REPO_ROOT = Path(__file__).resolve().parents[1]
RULES_DIR = REPO_ROOT / "policies" / "rules"
HEADLINE = {"ENC", "TLS", "NET", "LINK"}
def test_ids_and_names_unique_and_well_formed() -> None:
    metas = [r.meta for r in all_rules()]
    assert len(metas) >= 25
    assert len({m.id for m in metas}) == len(metas)
    assert len({m.name for m in metas}) == len(metas)
    for m in metas:
        assert re.fullmatch(r"FERPA-(ENC|TLS|NET|LINK|LOG|IAM|RES)-\d{2}", m.id), m.id
        assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", m.name), m.name
        assert m.title and m.remediation and m.resource_types, m.id
        assert all(re.fullmatch(r"aws:[a-zA-Z0-9]+/[a-zA-Z0-9]+:[A-Za-z0-9]+", t) for t in m.resource_types), m.id


ENFORCEMENT_BY_DESIGN = {
    "FERPA-IAM-02": Enforcement.MANDATORY,  # a plain-text database password
    "FERPA-IAM-40": Enforcement.MANDATORY,  # a plain-text credential in a Lambda environment
    "FERPA-NET-42": Enforcement.ADVISORY,  # Lambda VPC attachment: hygiene, the store's own rules guard it
    "FERPA-ENC-44": Enforcement.ADVISORY,  # account-wide EBS default encryption: each volume is judged itself
    "FERPA-ENC-70": Enforcement.ADVISORY,  # SageMaker notebooks: hygiene (issue 13 §2)
    "FERPA-NET-63": Enforcement.ADVISORY,  # SageMaker notebooks: hygiene (issue 13 §2)
}


def test_headline_families_are_mandatory_and_others_advisory() -> None:
    for m in (r.meta for r in all_rules()):
        if m.id in ENFORCEMENT_BY_DESIGN:
            assert m.enforcement is ENFORCEMENT_BY_DESIGN[m.id], m.id
        elif m.family in HEADLINE:
            assert m.enforcement is Enforcement.MANDATORY, m.id
        else:
            assert m.enforcement is Enforcement.ADVISORY, m.id


def test_every_rule_maps_to_controls_in_every_framework() -> None:
    cat = load()
    for m in cat.rules:
        frameworks = {c.framework for c in m.controls}
        assert frameworks == {"FERPA", "PTAC", "NIST-800-53", "NIST-800-171"}, m.id
        for ref in m.controls:
            assert cat.control_title(ref), f"{m.id}: {ref} has no title in the controls table"


def test_every_control_in_the_mapping_names_at_least_one_rule() -> None:
    cat = load()
    used = {(c.framework, c.id) for m in cat.rules for c in m.controls}
    for framework, controls in cat.controls.items():
        for control_id in controls:
            assert (framework, control_id) in used, f"{framework} {control_id} is mapped by no rule"


def test_rule_modules_are_pure() -> None:
    forbidden = {"pulumi", "pulumi_policy", "pulumi_aws", "checkov", "ferpaguard"}
    for path in sorted(RULES_DIR.glob("*.py")):
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            for name in names:
                assert name.split(".")[0] not in forbidden, f"{path.name} imports {name}"


def test_stack_and_resource_rules_have_the_matching_function() -> None:
    for rule in all_rules():
        if rule.meta.kind is RuleKind.STACK:
            assert rule.check_stack is not None and rule.check is None, rule.meta.id
        else:
            assert rule.check is not None and rule.check_stack is None, rule.meta.id


def test_docs_rules_md_is_current() -> None:
    current = (REPO_ROOT / "docs" / "rules.md").read_text()
    assert current == catalogue_docs.as_markdown(), "docs/rules.md is stale: run `make docs`"


def test_rules_command_prints_every_rule_as_json() -> None:
    import json

    result = CliRunner().invoke(cli, ["rules", "--format", "json"])
    assert result.exit_code == 0
    ids = [row["id"] for row in json.loads(result.output)["rules"]]
    assert ids == [r.meta.id for r in all_rules()]


def test_every_config_schema_is_a_valid_json_schema() -> None:
    # policies.settings validates properties with Draft 2020-12 without re-checking the schema itself each run.
    from jsonschema import Draft202012Validator, validators

    from policies.settings import config_schema

    for rule in all_rules():
        schema = config_schema(rule.meta)
        assert validators.validator_for(schema) is Draft202012Validator
        Draft202012Validator.check_schema(schema)
