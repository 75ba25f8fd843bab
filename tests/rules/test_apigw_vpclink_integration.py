import pytest

from tests.rules.helpers import UNKNOWN, for_urn, only, res, run_stack, statuses

RULE_ID = "FERPA-LINK-03"
INTEGRATION = "aws:apigateway/integration:Integration"
VPC_LINK = "aws:apigateway/vpcLink:VpcLink"
LINK_ID = "vl-abc123"


def link(resource_id=LINK_ID):
    """A VPC Link; with an id it is deployed, and its outputs (as a stack export has them) carry the id."""
    props = {"name": "records-link", "targetArn": "arn:nlb"}
    outputs = {**props, "id": resource_id} if resource_id else {}
    return res(VPC_LINK, props, name="records-link", id=resource_id, outputs=outputs)


def integration(connection_id=LINK_ID, deps=None, **props):
    base = {"restApi": "api-1", "type": "HTTP_PROXY", "connectionType": "VPC_LINK", "connectionId": connection_id}
    return res(INTEGRATION, {**base, **props}, name="records", property_dependencies=deps or {})


def test_integration_using_a_stack_vpc_link_passes():
    vpc_link, subject = link(), integration()
    outcome = only(for_urn(run_stack(RULE_ID, [vpc_link, subject], use_outputs=True), subject.urn))
    assert outcome.status == "pass"
    assert outcome.message == "uses VPC Link records-link"
    assert outcome.evidence == {"vpcLinks": [vpc_link.urn]}


def test_preview_resolves_through_property_dependencies():
    vpc_link = link(resource_id=None)
    subject = integration(UNKNOWN, deps={"connectionId": [vpc_link.urn]})
    assert statuses(run_stack(RULE_ID, [vpc_link, subject])) == ["pass"]


def test_unknown_without_dependency_is_unknown():
    subject = integration(UNKNOWN)
    assert statuses(run_stack(RULE_ID, [link(resource_id=None), subject])) == ["unknown"]


def test_vpc_link_outside_the_stack_fails():
    outcome = only(run_stack(RULE_ID, [integration("vl-elsewhere")]))
    assert outcome.status == "fail"
    assert outcome.message == "connectionId vl-elsewhere is not a VPC Link of this stack"


def test_missing_connection_id_fails():
    subject = integration(None)
    outcome = only(run_stack(RULE_ID, [link(), subject]))
    assert outcome.message == "connectionType is VPC_LINK but connectionId is not set"
    assert outcome.urn == subject.urn


def test_connection_id_of_another_resource_type_fails():
    other = res("aws:ec2/vpc:Vpc", {}, name="vpc", id=LINK_ID, outputs={"id": LINK_ID})
    assert statuses(run_stack(RULE_ID, [other, integration()], use_outputs=True)) == ["fail"]


def test_stage_variable_connection_is_unknown():
    assert statuses(run_stack(RULE_ID, [integration("${stageVariables.vpcLinkId}")])) == ["unknown"]


@pytest.mark.parametrize("connection_type", ["INTERNET", None])
def test_internet_integrations_are_not_applicable(connection_type):
    subject = integration(None, connectionType=connection_type)
    assert statuses(run_stack(RULE_ID, [subject])) == ["not_applicable"]


def test_unknown_connection_type_is_unknown():
    assert statuses(run_stack(RULE_ID, [integration(connectionType=UNKNOWN)])) == ["unknown"]
