"""Pulumi resources -> Terraform plan JSON: golden values per mapped type, and the conversion rules."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import orjson
import pytest
import yaml

from ferpaguard.checkov import mapping, shapes
from ferpaguard.checkov.convert import SECRET_PLACEHOLDER, address_name, snake, to_plan
from policies.model import Resource
from policies.values import SECRET_SIG, SIG_KEY, UNKNOWN_SENTINELS, UNKNOWN_STRING

GOLDEN = yaml.safe_load(Path(__file__).with_name("golden_cases.yaml").read_text(encoding="utf-8"))
TABLE = mapping.load()
PREFIX = "urn:pulumi:dev::ferpa::"


def res(type_: str, name: str, props: dict[str, Any], outputs: dict[str, Any] | None = None,
        deps: dict[str, tuple[str, ...]] | None = None, custom: bool = True) -> Resource:
    return Resource(f"{PREFIX}{type_}::{name}", type_, name, props, outputs or {},
                    property_dependencies=deps or {}, custom=custom)


def planned(conversion: Any) -> list[dict[str, Any]]:
    return conversion.plan["planned_values"]["root_module"]["resources"]


def values_of(resource: Resource) -> dict[str, Any]:
    (only,) = planned(to_plan([resource]))
    return only["values"]


def secret(value: Any) -> dict[str, Any]:
    return {SIG_KEY: SECRET_SIG, "value": value}


def test_mapping_covers_at_least_forty_types_with_unique_tokens() -> None:
    assert len(TABLE.types) >= 40
    assert all(m.terraform.startswith("aws_") for m in TABLE.types.values())


def test_every_mapped_type_has_a_golden_case() -> None:
    assert set(GOLDEN) == set(TABLE.types)


@pytest.mark.parametrize("token", sorted(GOLDEN))
def test_golden_values(token: str) -> None:
    case = GOLDEN[token]
    (resource,) = planned(to_plan([res(token, "subject", case["input"])]))
    assert resource["type"] == TABLE.types[token].terraform
    assert resource["address"] == f"{TABLE.types[token].terraform}.subject"
    assert resource["mode"] == "managed"
    assert resource["values"] == case["expected"]


def test_catalogue_types_are_mapped() -> None:
    from policies import catalogue

    aws_types = {t for meta in catalogue.load().rules for t in meta.resource_types if t.startswith("aws:")}
    assert {t for t in aws_types if not TABLE.covers(t)} == set()


def test_a_legacy_type_token_converts_as_the_type_it_aliases() -> None:
    assert TABLE.aliases, "mapping.yaml lists the legacy load balancer tokens"
    for alias, token in TABLE.aliases.items():
        assert TABLE.get(alias) is TABLE.types[token]
        assert alias not in TABLE.types


def test_blocks_and_maps_match_the_sdk_type_hints() -> None:
    """The committed data agrees with pulumi_aws's hints: objects are blocks, mappings are maps."""
    defaults = {"tags", "tagsAll"}
    wrong: dict[str, Any] = {}
    for token, type_mapping in TABLE.types.items():
        shape = shapes.shape(token)
        blocks = {p for p, kind in shape.items() if kind is shapes.Kind.OBJECT}
        maps = {p for p, kind in shape.items() if kind is shapes.Kind.MAP} | defaults
        if blocks != set(type_mapping.blocks) or maps != set(type_mapping.maps):
            wrong[token] = {"blocks": blocks ^ set(type_mapping.blocks), "maps": maps ^ set(type_mapping.maps)}
    assert wrong == {}


def test_renamed_paths_exist_in_the_sdk() -> None:
    missing = {
        token: [path for path in [*m.renames, *m.wrap_scalars] if path not in shapes.shape(token)]
        for token, m in TABLE.types.items()
    }
    assert {token: paths for token, paths in missing.items() if paths} == {}


def test_integral_floats_become_ints_and_other_floats_stay() -> None:
    values = values_of(res("aws:cloudwatch/logGroup:LogGroup", "logs", {"retentionInDays": 400.0}))
    assert values == {"retention_in_days": 400}
    assert type(values["retention_in_days"]) is int
    cluster = values_of(res("aws:rds/cluster:Cluster", "db", {
        "serverlessv2ScalingConfiguration": {"minCapacity": 0.5, "maxCapacity": 2.0}}))
    assert cluster["serverlessv2_scaling_configuration"] == [{"min_capacity": 0.5, "max_capacity": 2}]


def test_booleans_are_not_turned_into_numbers() -> None:
    assert values_of(res("aws:kms/key:Key", "k", {"enableKeyRotation": True})) == {"enable_key_rotation": True}


def test_flattened_scalar_is_wrapped_in_a_list() -> None:
    arn = "arn:aws:elasticloadbalancing:us-east-1:1:loadbalancer/net/n/1"
    assert values_of(res("aws:apigateway/vpcLink:VpcLink", "link", {"targetArn": arn})) == {"target_arns": [arn]}


def test_map_keys_are_user_data_and_stay_as_written() -> None:
    values = values_of(res("aws:kms/key:Key", "k", {"tags": {"DataClass": "FERPA", "costCenter": "IT"}}))
    assert values == {"tags": {"DataClass": "FERPA", "costCenter": "IT"}}


def test_unknown_values_are_omitted_and_recorded_per_resource() -> None:
    cluster = res("aws:rds/cluster:Cluster", "db", {
        "storageEncrypted": True,
        "kmsKeyId": UNKNOWN_STRING,
        "serverlessv2ScalingConfiguration": {"minCapacity": 0.5, "maxCapacity": "3eeb2bf0-c639-47a8-9e75-3b44932eb421"},
    })
    conversion = to_plan([cluster])
    assert planned(conversion)[0]["values"] == {
        "storage_encrypted": True,
        "serverlessv2_scaling_configuration": [{"min_capacity": 0.5}],
    }
    assert conversion.unknown_attributes == {
        cluster.urn: ["kms_key_id", "serverlessv2_scaling_configuration.max_capacity"]
    }
    assert not any(s in orjson.dumps(conversion.plan).decode() for s in UNKNOWN_SENTINELS)


def test_secrets_never_reach_the_plan() -> None:
    group = res("aws:elasticache/replicationGroup:ReplicationGroup", "cache", {
        "authToken": secret("super-secret-token"),
        "transitEncryptionEnabled": secret(True),
    })
    version = res("aws:secretsmanager/secretVersion:SecretVersion", "v", {
        "secretString": {SIG_KEY: SECRET_SIG, "ciphertext": "AAAbbb"}})
    conversion = to_plan([group, version])
    text = orjson.dumps(conversion.plan).decode()
    assert "super-secret-token" not in text and "AAAbbb" not in text and SIG_KEY not in text
    values = {r["name"]: r["values"] for r in planned(conversion)}
    assert values["cache"] == {"auth_token": SECRET_PLACEHOLDER, "transit_encryption_enabled": True}
    assert values["v"] == {"secret_string": SECRET_PLACEHOLDER}


def test_plain_text_credentials_are_replaced_too() -> None:
    values = values_of(res("aws:rds/cluster:Cluster", "db", {"masterPassword": "hunter2-plain"}))
    assert values == {"master_password": SECRET_PLACEHOLDER}


def test_outputs_are_merged_over_inputs() -> None:
    key = res("aws:kms/key:Key", "k", {"enableKeyRotation": False, "description": "d"},
              outputs={"enableKeyRotation": True, "arn": "arn:aws:kms:us-east-1:1:key/k"})
    assert values_of(key) == {"enable_key_rotation": True, "description": "d", "arn": "arn:aws:kms:us-east-1:1:key/k"}


def test_engine_bookkeeping_keys_are_dropped() -> None:
    assert values_of(res("aws:kms/key:Key", "k", {"__defaults": ["description"], "enableKeyRotation": True})) == {
        "enable_key_rotation": True
    }


def test_property_dependencies_become_configuration_references() -> None:
    vpc = res("aws:ec2/vpc:Vpc", "main-vpc", {"cidrBlock": "10.0.0.0/16"})
    link_target = res("aws:lb/loadBalancer:LoadBalancer", "nlb", {"loadBalancerType": "network"})
    flow = res("aws:ec2/flowLog:FlowLog", "flow", {"vpcId": UNKNOWN_STRING, "trafficType": "ALL"},
               deps={"vpcId": (vpc.urn,), "trafficType": ()})
    link = res("aws:apigateway/vpcLink:VpcLink", "link", {"targetArn": UNKNOWN_STRING},
               deps={"targetArn": (link_target.urn,)})
    conversion = to_plan([vpc, link_target, flow, link])
    configured = {r["address"]: r for r in conversion.plan["configuration"]["root_module"]["resources"]}
    assert configured == {
        "aws_flow_log.flow": {
            "address": "aws_flow_log.flow", "mode": "managed", "type": "aws_flow_log", "name": "flow",
            "expressions": {"vpc_id": {"references": ["aws_vpc.main-vpc.id", "aws_vpc.main-vpc"]}},
        },
        "aws_api_gateway_vpc_link.link": {
            "address": "aws_api_gateway_vpc_link.link", "mode": "managed", "type": "aws_api_gateway_vpc_link",
            "name": "link", "expressions": {"target_arns": {"references": ["aws_lb.nlb.arn", "aws_lb.nlb"]}},
        },
    }
    # A reference stands for the unknown value, so those attributes are not reported unknown.
    assert conversion.unknown_attributes == {}


def test_known_values_keep_references_only_for_graph_check_relations() -> None:
    key = res("aws:kms/key:Key", "k", {})
    vpc = res("aws:ec2/vpc:Vpc", "v", {})
    arn = "arn:aws:kms:us-east-1:1:key/k"
    cluster = res("aws:rds/cluster:Cluster", "db", {"kmsKeyId": arn}, deps={"kmsKeyId": (key.urn,)})
    subnet = res("aws:ec2/subnet:Subnet", "s", {"vpcId": "vpc-1"}, deps={"vpcId": (vpc.urn,)})
    flow = res("aws:ec2/flowLog:FlowLog", "f", {"vpcId": "vpc-1"}, deps={"vpcId": (vpc.urn,)})

    def configured(**options: Any) -> list[str]:
        plan = to_plan([key, vpc, cluster, subnet, flow], **options).plan
        return [r["address"] for r in plan["configuration"]["root_module"]["resources"]]

    assert configured() == ["aws_flow_log.f"]
    assert configured(all_references=True) == ["aws_rds_cluster.db", "aws_subnet.s", "aws_flow_log.f"]


def test_no_reference_for_an_unset_property_or_an_unconverted_target() -> None:
    key = res("aws:kms/key:Key", "k", {})
    stranger = res("random:index/randomId:RandomId", "rid", {})
    cluster = res("aws:rds/cluster:Cluster", "db", {"masterUsername": "x"},
                  deps={"kmsKeyId": (key.urn,), "masterUsername": (stranger.urn,)})
    assert to_plan([key, stranger, cluster]).plan["configuration"]["root_module"]["resources"] == []


def test_addresses_are_sanitised_unique_per_type_and_map_back_to_urns() -> None:
    first = res("aws:kms/key:Key", "data key/1", {})
    second = Resource(f"{PREFIX}my:component$aws:kms/key:Key::data key/1", "aws:kms/key:Key", "data key/1", {})
    third = res("aws:kms/key:Key", "9lives", {})
    bucket = res("aws:s3/bucket:Bucket", "data key/1", {})
    conversion = to_plan([first, second, third, bucket])
    assert conversion.addresses == {
        "aws_kms_key.data_key_1": first.urn,
        "aws_kms_key.data_key_1_2": second.urn,
        "aws_kms_key.r_9lives": third.urn,
        "aws_s3_bucket.data_key_1": bucket.urn,
    }
    assert [r["address"] for r in planned(conversion)] == list(conversion.addresses)


def test_unmapped_types_are_skipped_and_reported_never_guessed() -> None:
    password = res("random:index/randomPassword:RandomPassword", "pw", {"length": 32.0})
    waf = res("aws:wafv2/webAcl:WebAcl", "acl", {"scope": "REGIONAL"})
    component = res("ferpa:index:DataTier", "tier", {}, custom=False)
    stack = res("pulumi:pulumi:Stack", "ferpa-dev", {}, custom=False)
    provider = res("pulumi:providers:aws", "default", {})
    conversion = to_plan([password, waf, component, stack, provider])
    assert planned(conversion) == []
    assert conversion.skipped == [
        {"urn": password.urn, "type": password.type, "reason": "no Terraform mapping for this type"},
        {"urn": waf.urn, "type": waf.type, "reason": "no Terraform mapping for this type"},
    ]


@pytest.mark.parametrize(("camel", "expected"), [
    ("kmsKeyId", "kms_key_id"), ("enableHttp2", "enable_http2"), ("ipv6CidrBlocks", "ipv6_cidr_blocks"),
    ("serverlessv2ScalingConfiguration", "serverlessv2_scaling_configuration"), ("s3Import", "s3_import"),
])
def test_snake_case(camel: str, expected: str) -> None:
    assert snake(camel) == expected


def test_address_name_keeps_terraform_safe_characters() -> None:
    assert address_name("records-db_1") == "records-db_1"
    assert address_name("a.b:c") == "a_b_c"
