"""The stack-export source of `ferpaguard audit`: what it loads, what it rejects, and how it keeps secrets."""

from __future__ import annotations

import copy
import hashlib
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ferpaguard.sources.export import ExportError, load_export, resources_for_resource_rules
from policies.values import UNKNOWN, get, is_ciphertext_at, is_secret, unwrap_secret

EXPORTS = Path(__file__).parents[1] / "fixtures" / "exports"
REFERENCE = EXPORTS / "reference_deployed.json"
SEED = EXPORTS / "seed_broken.json"
MARKER = "FERPA-LEAK-MARKER-7f3a"
PROVIDER_URN = "urn:pulumi:dev::proj::pulumi:providers:aws::default_7_29_0"


def document(path: Path = REFERENCE) -> dict[str, Any]:
    return json.loads(path.read_bytes())


def as_bytes(doc: Any) -> bytes:
    return json.dumps(doc).encode()


def by_type(export: Any, type_: str) -> list[Any]:
    return [r for r in export.resources if r.type == type_]


# ------------------------------------------------------------------ good files


def test_reference_export_loads_every_resource_with_its_state() -> None:
    raw = REFERENCE.read_bytes()
    export = load_export(REFERENCE)
    assert export.version == 3
    assert export.stack == "proj/dev"
    assert export.project == "proj"
    assert export.sha256 == hashlib.sha256(raw).hexdigest()
    assert export.path == str(REFERENCE)
    assert len(export.resources) == len(json.loads(raw)["deployment"]["resources"])
    assert export.skipped == [] and export.notes == [] and export.pending_operations == []


def test_a_large_export_is_hashed_on_a_thread_to_the_same_digest(monkeypatch) -> None:
    import threading

    from ferpaguard.sources import export as export_module

    hashed_on: list[str] = []
    real_sha256 = hashlib.sha256

    def spying_sha256(data: bytes) -> Any:
        hashed_on.append(threading.current_thread().name)
        return real_sha256(data)

    monkeypatch.setattr(export_module, "DIGEST_ON_A_THREAD", 0)
    monkeypatch.setattr(export_module.hashlib, "sha256", spying_sha256)
    export = load_export(REFERENCE)
    assert export.sha256 == real_sha256(REFERENCE.read_bytes()).hexdigest()
    assert len(hashed_on) == 1 and hashed_on[0].startswith("export-digest")

    stack, provider = export.resources[0], export.resources[1]
    assert (stack.type, stack.custom, stack.name) == ("pulumi:pulumi:Stack", False, "proj-dev")
    assert (provider.urn, provider.custom) == (PROVIDER_URN, True)

    [link] = by_type(export, "aws:apigateway/vpcLink:VpcLink")
    [nlb] = by_type(export, "aws:lb/loadBalancer:LoadBalancer")
    [api] = by_type(export, "aws:apigateway/restApi:RestApi")
    assert link.name == "student-vpc-link"
    assert link.urn.endswith("::aws:apigateway/restApi:RestApi$aws:apigateway/vpcLink:VpcLink::student-vpc-link")
    assert link.parent == api.urn
    assert link.provider == f"{PROVIDER_URN}::{provider.id}"
    assert link.props["targetArn"] == nlb.outputs["arn"] == nlb.id
    assert link.property_dependencies["targetArn"] == (nlb.urn,)
    assert link.property_dependencies["name"] == ()
    assert nlb.urn in link.dependencies
    assert link.id == link.outputs["id"]


def test_resource_props_are_the_parsed_inputs_not_copies() -> None:
    doc = document()
    export = load_export("state.json", as_bytes(doc))
    cluster = by_type(export, "aws:rds/cluster:Cluster")[0]
    expected = next(r for r in doc["deployment"]["resources"] if r["type"] == "aws:rds/cluster:Cluster")
    assert cluster.props == expected["inputs"]
    assert cluster.outputs == expected["outputs"]
    assert cluster.outputs["arn"].startswith("arn:aws:rds:")


def test_seed_export_names_its_own_stack() -> None:
    export = load_export(SEED)
    assert export.stack == "student-records/dev"
    assert any(r.props.get("targetArn", "").count(":loadbalancer/app/") for r in export.resources)


def test_rule_input_drops_providers_the_stack_and_old_copies() -> None:
    doc = document()
    resources = doc["deployment"]["resources"]
    old_copy = copy.deepcopy(next(r for r in resources if r["type"] == "aws:ec2/vpc:Vpc"))
    old_copy["delete"] = True
    old_copy["id"] = "vpc-0ld"
    resources.append(old_copy)
    export = load_export("replaced.json", as_bytes(doc))

    judged = resources_for_resource_rules(export)
    types = {r.type for r in judged}
    assert "pulumi:pulumi:Stack" not in types
    assert not any(t.startswith("pulumi:providers:") for t in types)
    assert all(r.id != "vpc-0ld" for r in judged)
    assert len(judged) == len(export.resources) - 3
    assert export.skipped == [{"urn": old_copy["urn"], "type": "aws:ec2/vpc:Vpc",
                               "reason": "old copy pending deletion after a replace"}]


def test_version_4_is_accepted() -> None:
    doc = document()
    doc["version"] = 4
    assert load_export("v4.json", as_bytes(doc)).version == 4


def test_stdin_is_read_from_the_bytes_passed_in() -> None:
    export = load_export("-", REFERENCE.read_bytes())
    assert export.path == "<stdin>"
    assert export.stack == "proj/dev"


def test_utf8_byte_order_mark_is_tolerated() -> None:
    assert load_export("bom.json", b"\xef\xbb\xbf" + REFERENCE.read_bytes()).stack == "proj/dev"


def test_a_stack_without_resources_is_an_empty_stack() -> None:
    doc = document()
    del doc["deployment"]["resources"]
    export = load_export("empty-stack.json", as_bytes(doc))
    assert export.resources == [] and export.stack == ""


def test_pending_operations_list_type_and_urn_only() -> None:
    doc = document(SEED)
    cluster = next(r for r in doc["deployment"]["resources"] if r["type"] == "aws:rds/cluster:Cluster")
    doc["deployment"]["pending_operations"] = [{"resource": cluster, "type": "updating"}]
    export = load_export("pending.json", as_bytes(doc))
    assert export.pending_operations == [
        {"type": "updating", "urn": cluster["urn"], "resource_type": "aws:rds/cluster:Cluster"}
    ]


# ---------------------------------------------------------------------- secrets


def test_ciphertext_secrets_stay_wrapped_and_unreadable() -> None:
    [cache] = by_type(load_export(REFERENCE), "aws:elasticache/replicationGroup:ReplicationGroup")
    token = cache.props["authToken"]
    assert is_secret(token) and "ciphertext" in token
    assert is_secret(cache.outputs["authToken"])
    assert get(cache.props, "authToken") is UNKNOWN  # present, but nothing can be compared with it
    assert is_ciphertext_at(cache.props, "authToken")


def test_plaintext_secrets_stay_wrapped_and_decode_only_for_evaluation() -> None:
    [cluster] = by_type(load_export(SEED), "aws:rds/cluster:Cluster")
    wrapped = cluster.props["masterPassword"]
    assert is_secret(wrapped) and set(wrapped) == {"4dabf18193072939515e22adb298388d", "plaintext"}
    assert unwrap_secret(wrapped) == MARKER


def test_problems_in_a_file_with_plaintext_secrets_never_quote_values() -> None:
    doc = document(SEED)
    cluster = next(r for r in doc["deployment"]["resources"] if r["type"] == "aws:rds/cluster:Cluster")
    cluster["dependencies"] = {"masterPassword": MARKER}
    cluster["propertyDependencies"]["masterPassword"] = MARKER
    cluster["parent"] = [MARKER]
    export = load_export("seed.json", as_bytes(doc))
    assert export.notes and not any(MARKER in note for note in export.notes)
    del cluster["type"]
    with pytest.raises(ExportError) as caught:
        load_export("seed.json", as_bytes(doc))
    assert MARKER not in str(caught.value)


# ------------------------------------------------------------------- bad input

BAD_INPUTS = [
    ("not_json.json", "not valid JSON", "line 1 column 1"),
    ("truncated.json", "truncated", "line "),
    ("empty.json", "empty file", ""),
    ("binary.bin", "binary data", ""),
    ("version_99.json", "unsupported deployment version 99", "3 or 4"),
    ("no_deployment.json", "no `deployment`", ""),
    ("resources_not_list.json", "`deployment.resources` is a JSON object, not an array", ""),
    ("resource_without_urn.json", "resource #5 has no `urn`", ""),
    ("resource_without_type.json", "resource #5", "has no `type`"),
]


@pytest.mark.parametrize(("name", "problem", "detail"), BAD_INPUTS)
def test_bad_input_is_one_line_naming_the_file_and_the_problem(name: str, problem: str, detail: str) -> None:
    path = EXPORTS / "bad" / name
    with pytest.raises(ExportError) as caught:
        load_export(path)
    message = str(caught.value)
    assert "\n" not in message
    assert message.startswith(f"{path}: ")
    assert problem in message and detail in message


def test_resource_without_type_names_its_urn() -> None:
    with pytest.raises(ExportError, match=r"\(urn:pulumi:dev::proj::aws:kms/key:Key::ferpa-files-key\)"):
        load_export(EXPORTS / "bad" / "resource_without_type.json")


@pytest.mark.parametrize(
    ("raw", "problem"),
    [
        (b"   \n\t ", "empty file"),
        (b'{"version": 3, "deployment": {"resources": [\xff]}}', "not UTF-8 text (invalid byte at offset 44)"),
        ('{"version": 3}'.encode("utf-16"), "UTF-16 encoded"),
        (b"[1, 2]", "the top level is a JSON array"),
        (b'{"version": "3", "deployment": {}}', "no integer `version`"),
        (b'{"version": 3, "deployment": []}', "`deployment` is a JSON array"),
        (b'{"version": 3, "deployment": {"resources": [7]}}', "resource #0 is a JSON number, not an object"),
        (b'{"version": 3, "deployment": {"resources": [{"urn": "vpc-1", "type": "aws:ec2/vpc:Vpc"}]}}',
         "resource #0: `urn` is not a Pulumi URN"),
        (b'{"version": 3, "deployment": {}} {}', "unexpected content after document at line 1 column 34"),
    ],
)
def test_malformed_documents_are_rejected(raw: bytes, problem: str) -> None:
    with pytest.raises(ExportError) as caught:
        load_export("stack.json", raw)
    assert str(caught.value).startswith("stack.json: ")
    assert problem in str(caught.value)


def test_missing_file_and_directory_are_export_errors(tmp_path: Path) -> None:
    with pytest.raises(ExportError, match="no such file"):
        load_export(tmp_path / "absent.json")
    with pytest.raises(ExportError, match="is a directory"):
        load_export(tmp_path)


def test_duplicate_live_urn_is_rejected() -> None:
    doc = document()
    resources = doc["deployment"]["resources"]
    resources.append(copy.deepcopy(resources[4]))
    with pytest.raises(ExportError, match=f"resource #{len(resources) - 1}: duplicate URN urn:pulumi:dev::proj::"):
        load_export("dup.json", as_bytes(doc))


def test_deep_nesting_is_an_export_error_not_a_crash() -> None:
    depth = 100_000
    raw = b'{"version": 3, "deployment": {"resources": [{"urn": "u", "type": "t", "inputs": {"x": ' + (
        b"[" * depth + b"]" * depth + b"}}]}}"
    )
    with pytest.raises(ExportError, match="nested deeper than the JSON parser's limit of 1024 levels"):
        load_export("deep.json", raw)


def test_nesting_within_the_limit_and_huge_strings_load() -> None:
    doc = document()
    vpc = next(r for r in doc["deployment"]["resources"] if r["type"] == "aws:ec2/vpc:Vpc")
    vpc["inputs"]["deep"] = "DEEP"
    vpc["inputs"]["huge"] = "x" * 20_000_000
    depth = 1000
    raw = as_bytes(doc).replace(b'"DEEP"', b"[" * depth + b'"bottom"' + b"]" * depth)
    export = load_export("deep-ok.json", raw)
    [loaded] = by_type(export, "aws:ec2/vpc:Vpc")
    assert len(loaded.props["huge"]) == 20_000_000
    assert get(loaded.props, "deep" + ".0" * depth) == "bottom"


def test_dangling_parent_and_dependencies_load_and_are_noted() -> None:
    doc = document()
    vpc = next(r for r in doc["deployment"]["resources"] if r["type"] == "aws:ec2/vpc:Vpc")
    gone = "urn:pulumi:dev::proj::aws:ec2/vpc:Vpc::deleted-elsewhere"
    vpc["parent"] = gone
    vpc["dependencies"] = [gone]
    vpc["propertyDependencies"]["cidrBlock"] = [gone]
    export = load_export("dangling.json", as_bytes(doc))
    [loaded] = by_type(export, "aws:ec2/vpc:Vpc")
    assert loaded.parent == gone and loaded.dependencies == (gone,)
    assert export.notes == [
        "1 URN(s) referenced as parent or dependency are not in the export; those references resolve to nothing"
    ]


def test_wrong_typed_optional_fields_are_normalised_and_noted() -> None:
    doc = document()
    vpc = next(r for r in doc["deployment"]["resources"] if r["type"] == "aws:ec2/vpc:Vpc")
    vpc["dependencies"] = "not-a-list"
    vpc["propertyDependencies"] = {"cidrBlock": [1, 2], "vpcId": []}
    vpc["outputs"] = ["wrong"]
    vpc["id"] = 12
    export = load_export("odd.json", as_bytes(doc))
    [loaded] = by_type(export, "aws:ec2/vpc:Vpc")
    assert loaded.dependencies == () and loaded.outputs == {} and loaded.id is None
    assert loaded.property_dependencies == {"cidrBlock": (), "vpcId": ()}
    assert sorted(note.split("`")[1] for note in export.notes) == [
        "dependencies", "id", "outputs", "propertyDependencies.cidrBlock"
    ]


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**53), 2**53) | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4),
    max_leaves=12,
)
RESOURCE_FIELDS = ["urn", "type", "id", "custom", "delete", "inputs", "outputs", "parent", "provider", "dependencies",
                   "propertyDependencies", "created"]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(index=st.integers(0, 37), field=st.sampled_from(RESOURCE_FIELDS), value=JSON_VALUES)
def test_any_value_in_any_resource_field_loads_or_is_an_export_error(index: int, field: str, value: Any) -> None:
    doc = document(SEED)
    doc["deployment"]["resources"][index][field] = value
    try:
        export = load_export("fuzz.json", as_bytes(doc))
    except ExportError as error:
        assert "\n" not in str(error) and str(error).startswith("fuzz.json: ")
    else:
        assert len(export.resources) == 38


@settings(max_examples=60, deadline=None)
@given(raw=st.binary(max_size=200))
def test_arbitrary_bytes_load_or_are_an_export_error(raw: bytes) -> None:
    try:
        load_export("noise.bin", raw)
    except ExportError as error:
        assert "\n" not in str(error)


# ------------------------------------------------- the fixtures' verdicts, in-process


def findings_of(path: Path) -> list[Any]:
    from ferpaguard.evaluate import evaluate
    from policies.settings import PackSettings

    export = load_export(path)
    return evaluate(resources_for_resource_rules(export), PackSettings(), stack=export.stack,
                    use_outputs=True).findings


# Rules for services the reference stack does not use (Lambda, HTTP APIs, CloudFront, Classic ELB,
# EC2/EBS, EKS, policy attachments): its export has nothing for them to judge.
NOTHING_TO_JUDGE_IN_REFERENCE = frozenset({
    "FERPA-ENC-40", "FERPA-IAM-40", "FERPA-NET-40", "FERPA-NET-41", "FERPA-NET-42",  # Lambda
    "FERPA-TLS-41", "FERPA-NET-48", "FERPA-LOG-40",  # API Gateway v2
    "FERPA-TLS-42", "FERPA-TLS-43", "FERPA-TLS-44", "FERPA-NET-43", "FERPA-IAM-41",  # CloudFront
    "FERPA-TLS-45", "FERPA-NET-44",  # Classic ELB
    "FERPA-ENC-42", "FERPA-ENC-43", "FERPA-ENC-44", "FERPA-NET-45", "FERPA-IAM-42",  # EC2 and EBS
    "FERPA-ENC-45", "FERPA-NET-46",  # EKS
    "FERPA-IAM-43",  # managed policy attachments
})


def test_reference_export_is_judged_by_every_rule_and_passes_them_all() -> None:
    from policies.registry import all_rules

    findings = findings_of(REFERENCE)
    assert {f.rule_id for f in findings} == {rule.meta.id for rule in all_rules()} - NOTHING_TO_JUDGE_IN_REFERENCE
    assert {f.status.value for f in findings} <= {"pass", "not_applicable"}


def test_seed_export_fails_the_headline_rules_on_the_seed_resources() -> None:
    findings = findings_of(SEED)
    failed = {(f.rule_id, f.resource_name) for f in findings if f.is_mandatory_failure}
    assert {
        ("FERPA-ENC-01", "student-aurora-cluster-dev"),
        ("FERPA-LINK-01", "student-vpc-link-dev"),
        ("FERPA-LINK-02", "student-vpc-link-dev"),
        ("FERPA-TLS-01", "student-redis-dev"),
        ("FERPA-TLS-05", "student-api-integration-dev"),
        ("FERPA-NET-03", "student-alb-sg"),
        ("FERPA-NET-05", "student-alb-dev"),
    } <= failed
    assert MARKER not in json.dumps([f.to_dict() for f in findings])


def test_external_resources_are_set_aside_not_judged(tmp_path: Path) -> None:
    document = json.loads(SEED.read_text())
    document["deployment"]["resources"].append({
        "urn": "urn:pulumi:dev::proj::aws:rds/instance:Instance::looked-up", "type": "aws:rds/instance:Instance",
        "custom": True, "external": True, "id": "legacy-db", "inputs": {},
        "outputs": {"publiclyAccessible": True, "id": "legacy-db"},
    })
    path = tmp_path / "external.json"
    path.write_text(json.dumps(document))
    export = load_export(path)
    assert [r.name for r in export.pending_deletion if r.name == "looked-up"] == ["looked-up"]
    assert "looked-up" not in {r.name for r in resources_for_resource_rules(export)}
    assert any(s["reason"].startswith("external") for s in export.skipped)


def test_corrupt_inputs_fall_back_to_outputs_instead_of_passing(tmp_path: Path) -> None:
    document = json.loads(SEED.read_text())
    document["deployment"]["resources"].append({
        "urn": "urn:pulumi:dev::proj::aws:rds/instance:Instance::corrupt", "type": "aws:rds/instance:Instance",
        "custom": True, "id": "db-1", "inputs": "corrupted", "outputs": {"publiclyAccessible": True},
    })
    path = tmp_path / "corrupt.json"
    path.write_text(json.dumps(document))
    export = load_export(path)
    [instance] = [r for r in export.resources if r.name == "corrupt"]
    assert instance.props["publiclyAccessible"] is True
    assert any("in place of the corrupt `inputs`" in note for note in export.notes)
