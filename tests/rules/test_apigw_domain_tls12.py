import pytest

from policies.model import Status
from tests.rules.helpers import UNKNOWN, only, res, run, secret

RULE = "FERPA-TLS-06"
DOMAIN = "aws:apigateway/domainName:DomainName"


def domain(**props):
    return res(DOMAIN, {"domainName": "api.example.edu", "regionalCertificateArn": "arn:cert", **props})


@pytest.mark.parametrize(
    "policy", ["TLS_1_2", "SecurityPolicy_TLS13_1_3_2025_09", "SecurityPolicy_TLS12_PFS_2025_EDGE"]
)
def test_tls12_or_newer_passes(policy):
    assert only(run(RULE, domain(securityPolicy=policy))).status is Status.PASS


def test_absent_policy_fails_naming_the_historic_default():
    outcome = only(run(RULE, domain()))
    assert outcome.status is Status.FAIL
    assert "securityPolicy is not set" in outcome.message and "TLS_1_0" in outcome.message


@pytest.mark.parametrize("policy", ["TLS_1_0", "tls_1_2", ""])
def test_other_policies_fail(policy):
    outcome = only(run(RULE, domain(securityPolicy=policy)))
    assert outcome.status is Status.FAIL
    assert f"securityPolicy is {policy!r}" in outcome.message


def test_unknown_is_unknown():
    assert only(run(RULE, domain(securityPolicy=UNKNOWN))).status is Status.UNKNOWN


def test_secret_is_read():
    assert only(run(RULE, domain(securityPolicy=secret("TLS_1_2")))).status is Status.PASS
    outcome = only(run(RULE, domain(securityPolicy=secret("TLS_1_0"))))
    assert outcome.status is Status.FAIL and "TLS_1_0'" not in outcome.message
