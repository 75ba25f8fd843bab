import pytest

from tests.rules.helpers import UNKNOWN, only, res, run, secret, statuses

RULE_ID = "FERPA-LOG-01"
STAGE = "aws:apigateway/stage:Stage"
LOG_GROUP_ARN = "arn:aws:logs:us-east-1:123456789012:log-group:/ferpa/api-access"


def stage(**props):
    return res(STAGE, {"stageName": "prod", "restApi": "abc123", **props})


def test_access_logs_to_a_log_group_pass():
    assert statuses(
        run(RULE_ID, stage(accessLogSettings={"destinationArn": LOG_GROUP_ARN, "format": "$context.requestId"}))
    ) == ["pass"]


def test_absent_access_log_settings_fail():
    outcome = only(run(RULE_ID, stage()))
    assert outcome.status == "fail"
    assert outcome.message.startswith("access logging is off: accessLogSettings.destinationArn is not set")


@pytest.mark.parametrize(
    "settings", [{"format": "$context.requestId"}, {"destinationArn": ""}, {"destinationArn": None}]
)
def test_settings_without_destination_fail(settings):
    assert statuses(run(RULE_ID, stage(accessLogSettings=settings))) == ["fail"]


@pytest.mark.parametrize("settings", [UNKNOWN, {"destinationArn": UNKNOWN}])
def test_unknown_destination_is_unknown(settings):
    assert statuses(run(RULE_ID, stage(accessLogSettings=settings))) == ["unknown"]


def test_secret_destination_counts_as_present_and_is_not_shown():
    outcomes = run(RULE_ID, stage(accessLogSettings={"destinationArn": secret(LOG_GROUP_ARN)}))
    assert statuses(outcomes) == ["pass"]
