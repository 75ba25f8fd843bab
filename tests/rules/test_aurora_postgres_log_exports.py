import pytest

from tests.rules.helpers import UNKNOWN, only, res, run, secret, statuses

RULE_ID = "FERPA-LOG-06"
CLUSTER = "aws:rds/cluster:Cluster"


def cluster(**props):
    return res(CLUSTER, {"engine": "aurora-postgresql", "engineMode": "provisioned", **props})


def test_postgresql_log_export_passes():
    assert statuses(run(RULE_ID, cluster(enabledCloudwatchLogsExports=["postgresql"]))) == ["pass"]
    assert statuses(run(RULE_ID, cluster(enabledCloudwatchLogsExports=["iam-db-auth-error", "postgresql"]))) == ["pass"]


def test_absent_exports_fail():
    outcome = only(run(RULE_ID, cluster()))
    assert outcome.status == "fail"
    assert outcome.message.startswith('enabledCloudwatchLogsExports is absent; it must include "postgresql"')


def test_other_exports_only_fail():
    outcome = only(run(RULE_ID, cluster(enabledCloudwatchLogsExports=["iam-db-auth-error"])))
    assert outcome.status == "fail"
    assert "['iam-db-auth-error']" in outcome.message


@pytest.mark.parametrize("engine", ["aurora-mysql", "postgres", None])
def test_other_engines_are_not_applicable(engine):
    assert statuses(run(RULE_ID, res(CLUSTER, {"engine": engine}))) == ["not_applicable"]


def test_unknown_engine_or_exports_is_unknown():
    assert statuses(run(RULE_ID, res(CLUSTER, {"engine": UNKNOWN}))) == ["unknown"]
    assert statuses(run(RULE_ID, cluster(enabledCloudwatchLogsExports="6a19a0b0-7e62-4c92-b797-7f8e31da9cc2"))) == [
        "unknown"
    ]
    assert statuses(run(RULE_ID, cluster(enabledCloudwatchLogsExports=[UNKNOWN]))) == ["unknown"]


def test_secret_wrapped_exports_are_read():
    assert statuses(run(RULE_ID, cluster(enabledCloudwatchLogsExports=secret(["postgresql"])))) == ["pass"]
