import pytest

from policies.model import Status
from tests.rules.helpers import UNKNOWN, only, res, run, secret, statuses

RULE = "FERPA-TLS-03"
LISTENER = "aws:lb/listener:Listener"
CERT = "arn:aws:acm:us-east-1:111122223333:certificate/abc"
FORWARD = [{"type": "forward", "targetGroupArn": "arn:tg"}]


def listener(type_=LISTENER, **props):
    base = {"protocol": "HTTPS", "certificateArn": CERT, "sslPolicy": "ELBSecurityPolicy-TLS13-1-2-2021-06",
            "defaultActions": FORWARD}
    return res(type_, {**base, **props})


@pytest.mark.parametrize("type_", [LISTENER, "aws:alb/listener:Listener"])
def test_https_with_certificate_and_modern_policy_passes(type_):
    assert only(run(RULE, listener(type_))).status is Status.PASS


def test_tls_listener_passes():
    nlb = listener(protocol="TLS", sslPolicy="ELBSecurityPolicy-TLS13-1-3-2021-06")
    assert only(run(RULE, nlb)).status is Status.PASS


def test_missing_certificate_fails():
    outcome = only(run(RULE, listener(certificateArn=None)))
    assert outcome.status is Status.FAIL
    assert "certificateArn is not set" in outcome.message


def test_old_policy_fails():
    outcome = only(run(RULE, listener(sslPolicy="ELBSecurityPolicy-2016-08")))
    assert outcome.status is Status.FAIL
    assert "sslPolicy 'ELBSecurityPolicy-2016-08' allows TLS 1.0" in outcome.message


def test_absent_policy_fails():
    outcome = only(run(RULE, listener(sslPolicy=None)))
    assert outcome.status is Status.FAIL
    assert "sslPolicy is not set" in outcome.message


def test_allow_list_comes_from_config():
    custom = listener(sslPolicy="Custom-TLS12")
    assert only(run(RULE, custom, allowedSslPolicies=["Custom-TLS12"])).status is Status.PASS
    tls11 = listener(sslPolicy="ELBSecurityPolicy-TLS-1-1-2017-01")
    outcome = only(run(RULE, tls11, allowedSslPolicies=["Custom-TLS12"]))
    assert outcome.status is Status.FAIL


def test_both_problems_are_reported():
    assert statuses(run(RULE, listener(certificateArn=None, sslPolicy="old"))) == [Status.FAIL, Status.FAIL]


def test_http_redirect_to_https_passes():
    redirect = [{"type": "redirect", "redirect": {"protocol": "HTTPS", "port": "443", "statusCode": "HTTP_301"}}]
    props = {"protocol": "HTTP", "defaultActions": redirect}
    assert only(run(RULE, res(LISTENER, props))).status is Status.PASS


@pytest.mark.parametrize(
    "actions",
    [
        FORWARD,
        [{"type": "redirect", "redirect": {"protocol": "HTTP"}}],
        [{"type": "redirect", "redirect": {"port": "8080"}}],
        [{"type": "redirect", "redirect": {"protocol": "HTTPS"}}, *FORWARD],
        [],
    ],
)
def test_http_forwarding_or_not_redirecting_to_https_fails(actions):
    outcome = only(run(RULE, res(LISTENER, {"protocol": "HTTP", "defaultActions": actions})))
    assert outcome.status is Status.FAIL
    assert "protocol is HTTP" in outcome.message and "may only redirect to HTTPS" in outcome.message


def test_absent_protocol_is_http_by_default():
    outcome = only(run(RULE, res(LISTENER, {"defaultActions": FORWARD})))
    assert outcome.status is Status.FAIL
    assert "protocol is absent (HTTP on an ALB, TCP on an NLB: never TLS)" in outcome.message


@pytest.mark.parametrize("protocol", ["UDP", "TCP_UDP"])
def test_plain_layer4_protocols_fail(protocol):
    outcome = only(run(RULE, res(LISTENER, {"protocol": protocol, "defaultActions": FORWARD})))
    assert outcome.status is Status.FAIL
    assert f"protocol is '{protocol}'" in outcome.message


def test_unknowns_are_unknown():
    assert only(run(RULE, listener(protocol=UNKNOWN))).status is Status.UNKNOWN
    assert only(run(RULE, listener(certificateArn=UNKNOWN))).status is Status.UNKNOWN
    assert only(run(RULE, listener(sslPolicy=UNKNOWN))).status is Status.UNKNOWN
    redirect = [{"type": "redirect", "redirect": {"protocol": UNKNOWN}}]
    assert only(run(RULE, res(LISTENER, {"protocol": "HTTP", "defaultActions": redirect}))).status is Status.UNKNOWN
    assert only(run(RULE, res(LISTENER, {"protocol": "HTTP", "defaultActions": UNKNOWN}))).status is Status.UNKNOWN


def test_secret_certificate_counts_as_present():
    assert only(run(RULE, listener(certificateArn=secret(CERT)))).status is Status.PASS
