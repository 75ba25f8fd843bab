
from tests.rules.helpers import UNKNOWN, for_urn, only, res, run_stack, statuses

RULE_ID = "FERPA-LOG-04"
VPC = "aws:ec2/vpc:Vpc"
FLOW_LOG = "aws:ec2/flowLog:FlowLog"


def vpc(name="main", resource_id="vpc-1"):
    return res(VPC, {"cidrBlock": "10.0.0.0/16"}, name=name, id=resource_id)


def flow_log(vpc_id, name="flow", deps=None):
    props = {"vpcId": vpc_id, "trafficType": "ALL", "logDestination": "arn:logs"}
    return res(FLOW_LOG, props, name=name, property_dependencies=deps or {})


def test_vpc_with_flow_log_passes():
    subject, log = vpc(), flow_log("vpc-1")
    outcome = only(run_stack(RULE_ID, [subject, log]))
    assert (outcome.status, outcome.urn) == ("pass", subject.urn)
    assert outcome.evidence == {"flowLogs": [log.urn]}


def test_vpc_without_flow_log_fails():
    covered, bare = vpc(), vpc("data", "vpc-2")
    outcomes = run_stack(RULE_ID, [covered, bare, flow_log("vpc-1")])
    assert statuses(for_urn(outcomes, covered.urn)) == ["pass"]
    outcome = only(for_urn(outcomes, bare.urn))
    assert outcome.status == "fail"
    assert outcome.message.startswith("the VPC has no flow log")


def test_subnet_flow_log_does_not_cover_the_vpc():
    subject = vpc()
    subnet_log = res(FLOW_LOG, {"subnetId": "subnet-1", "trafficType": "ALL"}, name="subnet-flow")
    assert statuses(run_stack(RULE_ID, [subject, subnet_log])) == ["fail"]


def test_preview_resolves_through_property_dependencies():
    subject = vpc(resource_id=None)
    assert statuses(run_stack(RULE_ID, [subject, flow_log(UNKNOWN, deps={"vpcId": [subject.urn]})])) == ["pass"]


def test_unattributable_flow_log_makes_uncovered_vpcs_unknown():
    subject = vpc(resource_id=None)
    outcome = only(run_stack(RULE_ID, [subject, flow_log(UNKNOWN)]))
    assert outcome.status == "unknown"


def test_no_vpcs_no_outcomes():
    assert run_stack(RULE_ID, [flow_log("vpc-elsewhere")]) == []
