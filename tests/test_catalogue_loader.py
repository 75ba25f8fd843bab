"""The catalogue split over policies/catalogue/*.yaml: order, duplicates, control sets, key paths."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from policies.catalogue import CATALOGUE_DIR, CatalogueError, KeyPath, load

RULE = """rules:
  - id: FERPA-{family}-{number}
    name: {name}
    title: "t"
    kind: resource
    severity: low
    resource_types: ["aws:s3/bucket:Bucket"]
    remediation: "r"
    controls: {controls}
"""


def copy_of_catalogue(tmp_path: Path) -> Path:
    directory = tmp_path / "catalogue"
    shutil.copytree(CATALOGUE_DIR, directory)
    return directory


def test_rules_follow_the_family_order_whatever_the_file_names() -> None:
    cat = load()
    order = list(cat.families)
    assert [order.index(m.family) for m in cat.rules] == sorted(order.index(m.family) for m in cat.rules)


def test_a_new_rule_file_is_picked_up(tmp_path: Path) -> None:
    directory = copy_of_catalogue(tmp_path)
    (directory / "zz-new.yaml").write_text(RULE.format(family="ENC", number="99", name="brand-new",
                                                       controls="at-rest"), encoding="utf-8")
    cat = load(directory)
    new = cat.rule("FERPA-ENC-99")
    assert new.name == "brand-new"
    assert {c.id for c in new.controls} >= {"SC-28", "99.31(a)(1)(ii)"}
    assert [m.id for m in cat.rules].index("FERPA-ENC-99") < [m.id for m in cat.rules].index("FERPA-TLS-01")


@pytest.mark.parametrize(("rule_id", "name", "field"), [("FERPA-ENC-01", "another-name", "id"),
                                                        ("FERPA-ENC-98", "kms-key-rotation", "name")])
def test_a_rule_defined_twice_is_refused_naming_both_files(tmp_path: Path, rule_id: str, name: str,
                                                           field: str) -> None:
    directory = copy_of_catalogue(tmp_path)
    family, number = rule_id.split("-")[1:]
    (directory / "other.yaml").write_text(RULE.format(family=family, number=number, name=name, controls="at-rest"),
                                          encoding="utf-8")
    with pytest.raises(CatalogueError, match=rf"rule {field} .* is defined twice: in enc.yaml and other.yaml"):
        load(directory)


def test_an_unknown_control_set_is_refused(tmp_path: Path) -> None:
    directory = copy_of_catalogue(tmp_path)
    (directory / "other.yaml").write_text(RULE.format(family="ENC", number="97", name="x", controls="no-such-set"),
                                          encoding="utf-8")
    with pytest.raises(CatalogueError, match=r"other\.yaml FERPA-ENC-97: no control set 'no-such-set'"):
        load(directory)


def test_a_rule_file_holds_only_rules(tmp_path: Path) -> None:
    directory = copy_of_catalogue(tmp_path)
    (directory / "other.yaml").write_text("families: {}\nrules: []\n", encoding="utf-8")
    with pytest.raises(CatalogueError, match="holds only `rules:`"):
        load(directory)


def test_key_paths_come_from_the_rules_about_each_data_store() -> None:
    cat = load()
    assert cat.key_paths["aws:rds/cluster:Cluster"] == (
        KeyPath("kmsKeyId"), KeyPath("performanceInsightsKmsKeyId", "performanceInsightsEnabled"))
    assert cat.key_paths["aws:rds/clusterInstance:ClusterInstance"] == (
        KeyPath("performanceInsightsKmsKeyId", "performanceInsightsEnabled"),)
    assert cat.key_paths["aws:kinesis/stream:Stream"] == (KeyPath("kmsKeyId"),)
    assert cat.rule("FERPA-ENC-11").resource_types == tuple(cat.key_paths)


def test_a_new_data_store_reaches_the_key_in_stack_rule(tmp_path: Path) -> None:
    directory = copy_of_catalogue(tmp_path)
    text = RULE.format(family="ENC", number="96", name="bucket-key", controls="at-rest") + "    key_paths: [kmsKey]\n"
    (directory / "other.yaml").write_text(text, encoding="utf-8")
    cat = load(directory)
    assert cat.key_paths["aws:s3/bucket:Bucket"] == (KeyPath("kmsKey"),)
    assert "aws:s3/bucket:Bucket" in cat.rule("FERPA-ENC-11").resource_types
