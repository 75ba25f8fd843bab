import pytest

from policies.model import Enforcement
from tests.rules.helpers import UNKNOWN, only, res, rule, run, secret, statuses

RULE_ID = "FERPA-NET-03"
GROUP = "aws:ec2/securityGroup:SecurityGroup"
GROUP_RULE = "aws:ec2/securityGroupRule:SecurityGroupRule"
INGRESS_RULE = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"
NUMBER_UNKNOWN = "3eeb2bf0-c639-47a8-9e75-3b44932eb421"

INTERNAL_POSTGRES = {"protocol": "tcp", "fromPort": 5432, "toPort": 5432, "cidrBlocks": ["10.0.0.0/16"]}
FROM_LB = {"protocol": "tcp", "fromPort": 8080, "toPort": 8080, "securityGroups": ["sg-123"]}
HTTPS_WORLD = {
    "protocol": "tcp",
    "fromPort": 443,
    "toPort": 443,
    "cidrBlocks": ["0.0.0.0/0"],
    "ipv6CidrBlocks": ["::/0"],
}


def group(*ingress):
    return res(GROUP, {"vpcId": "vpc-1", "ingress": list(ingress), "egress": [{**INTERNAL_POSTGRES, "protocol": "-1"}]})


def test_is_mandatory():
    assert rule(RULE_ID).meta.enforcement is Enforcement.MANDATORY
    assert rule(RULE_ID).meta.defaults() == {"internetPorts": [443]}


def test_internal_ingress_passes():
    assert statuses(run(RULE_ID, group(INTERNAL_POSTGRES, FROM_LB))) == ["pass"]
    assert statuses(run(RULE_ID, res(GROUP, {"vpcId": "vpc-1"}))) == ["pass"]


def test_https_from_internet_is_allow_listed_by_default():
    assert statuses(run(RULE_ID, group(HTTPS_WORLD))) == ["pass"]


def test_postgres_from_internet_fails():
    outcome = only(run(RULE_ID, group(INTERNAL_POSTGRES, {**INTERNAL_POSTGRES, "cidrBlocks": ["0.0.0.0/0"]})))
    assert outcome.status == "fail"
    assert outcome.message == "ingress[1] allows tcp port 5432 from the internet; only ports [443] may"
    assert outcome.evidence == {"protocol": "tcp", "fromPort": 5432, "toPort": 5432}


def test_ipv6_world_fails():
    outcome = only(run(RULE_ID, group({**INTERNAL_POSTGRES, "cidrBlocks": [], "ipv6CidrBlocks": ["::/0"]})))
    assert outcome.status == "fail"


@pytest.mark.parametrize("protocol", ["-1", -1, "all"])
def test_all_traffic_is_never_allowed(protocol):
    entry = {"protocol": protocol, "fromPort": 0, "toPort": 0, "cidrBlocks": ["0.0.0.0/0"]}
    outcome = only(run(RULE_ID, group(entry), internetPorts=[443, 0]))
    assert outcome.message == "ingress[0] allows all protocols and ports from the internet"


def test_port_range_covering_allowed_port_fails():
    entry = {**HTTPS_WORLD, "fromPort": 0, "toPort": 65535}
    assert only(run(RULE_ID, group(entry))).message.startswith("ingress[0] allows tcp port 0-65535 from the internet")


def test_configured_ports_and_float_ports():
    entry = {**HTTPS_WORLD, "fromPort": 80.0, "toPort": 80.0}
    # Port 80 alone is unknown to the resource rule: the stack view settles it (redirect listeners or not).
    assert statuses(run(RULE_ID, group(entry))) == ["unknown"]
    assert statuses(run(RULE_ID, group({**entry, "fromPort": 8080.0, "toPort": 8080.0}))) == ["fail"]
    assert statuses(run(RULE_ID, group(entry), internetPorts=[80, 443])) == ["pass"]


def test_icmp_from_internet_fails():
    entry = {"protocol": "icmp", "fromPort": -1, "toPort": -1, "cidrBlocks": ["0.0.0.0/0"]}
    assert only(run(RULE_ID, group(entry))).message == "ingress[0] allows protocol 'icmp' from the internet"


def test_spelling_of_the_world_cidr():
    entry = {**INTERNAL_POSTGRES, "cidrBlocks": ["0.0.0.0/0 "], "ipv6CidrBlocks": ["0::0/0"]}
    assert statuses(run(RULE_ID, group(entry))) == ["fail"]


def test_security_group_rule_resource():
    ingress = {"type": "ingress", "securityGroupId": "sg-1", "protocol": "tcp", "fromPort": 22, "toPort": 22}
    outcome = only(run(RULE_ID, res(GROUP_RULE, {**ingress, "cidrBlocks": ["0.0.0.0/0"]})))
    assert outcome.message == "rule allows tcp port 22 from the internet; only ports [443] may"
    assert statuses(run(RULE_ID, res(GROUP_RULE, {**ingress, "cidrBlocks": ["10.0.0.0/8"]}))) == ["pass"]
    egress = {**ingress, "type": "egress", "cidrBlocks": ["0.0.0.0/0"], "protocol": "-1"}
    assert statuses(run(RULE_ID, res(GROUP_RULE, egress))) == ["not_applicable"]


def test_vpc_ingress_rule_resource():
    base = {"securityGroupId": "sg-1", "ipProtocol": "tcp", "fromPort": 5432, "toPort": 5432}
    outcome = only(run(RULE_ID, res(INGRESS_RULE, {**base, "cidrIpv4": "0.0.0.0/0"})))
    assert outcome.message == "rule allows tcp port 5432 from the internet; only ports [443] may"
    assert statuses(run(RULE_ID, res(INGRESS_RULE, {**base, "cidrIpv6": "::/0", "fromPort": 443, "toPort": 443}))) == [
        "pass"
    ]
    everything = {"securityGroupId": "sg-1", "ipProtocol": "-1", "cidrIpv4": "0.0.0.0/0"}
    assert statuses(run(RULE_ID, res(INGRESS_RULE, everything))) == ["fail"]
    assert statuses(run(RULE_ID, res(INGRESS_RULE, {**base, "referencedSecurityGroupId": "sg-2"}))) == ["pass"]


def test_absent_ports_on_tcp_mean_every_port():
    entry = {"securityGroupId": "sg-1", "ipProtocol": "tcp", "cidrIpv4": "0.0.0.0/0"}
    assert only(run(RULE_ID, res(INGRESS_RULE, entry))).message.startswith("rule allows tcp port 0-65535")


def test_unknown_values():
    assert statuses(run(RULE_ID, res(GROUP, {"ingress": UNKNOWN}))) == ["unknown"]
    assert statuses(run(RULE_ID, group({**INTERNAL_POSTGRES, "cidrBlocks": [UNKNOWN]}))) == ["unknown"]
    assert statuses(run(RULE_ID, group({**HTTPS_WORLD, "toPort": NUMBER_UNKNOWN}))) == ["unknown"]
    assert statuses(run(RULE_ID, res(INGRESS_RULE, {"ipProtocol": "tcp", "cidrIpv4": UNKNOWN}))) == ["unknown"]
    assert statuses(run(RULE_ID, res(GROUP_RULE, {"type": UNKNOWN}))) == ["unknown"]


def test_known_violation_wins_over_unknown_entries():
    entry = {**INTERNAL_POSTGRES, "cidrBlocks": ["0.0.0.0/0"]}
    assert "fail" in statuses(run(RULE_ID, group({**INTERNAL_POSTGRES, "cidrBlocks": [UNKNOWN]}, entry)))


def test_secret_cidr_is_read_but_never_shown():
    entry = {**INTERNAL_POSTGRES, "cidrBlocks": secret(["0.0.0.0/0"])}
    outcome = only(run(RULE_ID, group(entry)))
    assert outcome.status == "fail"
    assert "0.0.0.0" not in outcome.message


@pytest.mark.parametrize("cidrs", [["0.0.0.0/1", "128.0.0.0/1"], ["1.0.0.0/2"], ["2000::/3"]])
def test_very_wide_public_ranges_count_as_the_internet(cidrs):
    rule_ = {"protocol": "tcp", "fromPort": 0, "toPort": 65535, "cidrBlocks": [c for c in cidrs if ":" not in c],
             "ipv6CidrBlocks": [c for c in cidrs if ":" in c]}
    outcomes = run(RULE_ID, group(rule_))
    assert statuses(outcomes) == ["fail"]


def test_private_and_narrow_public_ranges_are_not_the_internet():
    rule_ = {"protocol": "tcp", "fromPort": 5432, "toPort": 5432, "cidrBlocks": ["10.0.0.0/8", "203.0.113.0/24"]}
    assert statuses(run(RULE_ID, group(rule_))) == ["pass"]
