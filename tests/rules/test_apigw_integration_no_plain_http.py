import pytest

from policies.model import Status
from tests.rules.helpers import UNKNOWN, only, res, run, secret

RULE = "FERPA-TLS-05"
INTEGRATION = "aws:apigateway/integration:Integration"


def integration(**props):
    base = {"type": "HTTP_PROXY", "connectionType": "INTERNET", "uri": "https://api.example.edu/records",
            "integrationHttpMethod": "ANY"}
    return res(INTEGRATION, {**base, **props})


def test_https_over_internet_passes():
    assert only(run(RULE, integration())).status is Status.PASS


def test_vpc_link_passes_even_with_http():
    props = {"connectionType": "VPC_LINK", "connectionId": "abc", "uri": "http://nlb.internal/records"}
    assert only(run(RULE, integration(**props))).status is Status.PASS


@pytest.mark.parametrize("kind", ["HTTP", "HTTP_PROXY", "http_proxy"])
@pytest.mark.parametrize("connection", ["INTERNET", None])
def test_plain_http_over_internet_fails(kind, connection):
    outcome = only(run(RULE, integration(type=kind, connectionType=connection, uri="http://alb.example.edu/records")))
    assert outcome.status is Status.FAIL
    assert "uri http://alb.example.edu/records is not https://" in outcome.message
    assert "connectionType is not VPC_LINK" in outcome.message


@pytest.mark.parametrize("kind", ["AWS", "AWS_PROXY", "MOCK"])
def test_other_integration_types_are_not_checked(kind):
    assert only(run(RULE, integration(type=kind, uri="http://whatever"))).status is Status.PASS


def test_unknown_uri_is_unknown():
    outcome = only(run(RULE, integration(uri=UNKNOWN)))
    assert outcome.status is Status.UNKNOWN
    assert "uri" in outcome.message


def test_unknown_type_or_connection_is_unknown():
    assert only(run(RULE, integration(type=UNKNOWN))).status is Status.UNKNOWN
    assert only(run(RULE, integration(connectionType=UNKNOWN, uri="http://x"))).status is Status.UNKNOWN


def test_unknown_connection_with_https_passes():
    assert only(run(RULE, integration(connectionType=UNKNOWN))).status is Status.PASS


def test_stage_variable_uri_is_unknown():
    assert only(run(RULE, integration(uri="${stageVariables.backend}/records"))).status is Status.UNKNOWN


def test_missing_uri_fails():
    assert only(run(RULE, integration(uri=None))).status is Status.FAIL


def test_secret_uri_is_read_but_not_shown():
    assert only(run(RULE, integration(uri=secret("https://api.example.edu/x?key=S3CRET")))).status is Status.PASS
    outcome = only(run(RULE, integration(uri=secret("http://api.example.edu/x?key=S3CRET"))))
    assert outcome.status is Status.FAIL
    assert "S3CRET" not in outcome.message + str(outcome.evidence)
