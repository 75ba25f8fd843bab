import pytest

from policies.model import Status
from tests.rules.helpers import UNKNOWN, only, res, run_stack, secret, urn_for

RULE = "FERPA-TLS-04"
CLUSTER = "aws:rds/cluster:Cluster"
GROUP = "aws:rds/clusterParameterGroup:ClusterParameterGroup"


def cluster(engine="aurora-postgresql", name="records-db", **props):
    return res(CLUSTER, {"engine": engine, "dbClusterParameterGroupName": "records-pg", **props}, name=name)


def group(value="1", name="records-pg", **props):
    parameters = [{"name": "log_connections", "value": "1"}]
    if value is not None:
        parameters.append({"name": "rds.force_ssl", "value": value, "applyMethod": "pending-reboot"})
    return res(GROUP, {"name": name, "family": "aurora-postgresql16", "parameters": parameters, **props}, name=name)


def judge(*resources):
    outcomes = run_stack(RULE, resources)
    return only([o for o in outcomes if o.urn == urn_for(CLUSTER, "records-db")])


def test_force_ssl_group_passes():
    outcome = judge(cluster(), group())
    assert outcome.status is Status.PASS
    assert "records-pg sets rds.force_ssl=1" in outcome.message


@pytest.mark.parametrize("value", ["1", 1, 1.0, " 1 "])
def test_numeric_spellings_of_one_pass(value):
    assert judge(cluster(), group(value)).status is Status.PASS


def test_group_without_force_ssl_fails():
    outcome = judge(cluster(), group(None))
    assert outcome.status is Status.FAIL
    assert "records-pg does not set rds.force_ssl=1" in outcome.message


def test_force_ssl_zero_fails():
    assert judge(cluster(), group("0")).status is Status.FAIL


def test_absent_parameter_group_fails_and_explains_the_default():
    outcome = judge(cluster(dbClusterParameterGroupName=None))
    assert outcome.status is Status.FAIL
    assert "dbClusterParameterGroupName is not set" in outcome.message
    assert "default depends on the engine version" in outcome.message


def test_group_resolved_through_property_dependencies():
    pg = group()
    db = res(CLUSTER, {"engine": "aurora-postgresql", "dbClusterParameterGroupName": UNKNOWN}, name="records-db",
             property_dependencies={"dbClusterParameterGroupName": [pg.urn]})
    assert judge(db, pg).status is Status.PASS


def test_unknown_reference_without_dependency_is_unknown():
    assert judge(cluster(dbClusterParameterGroupName=UNKNOWN), group()).status is Status.UNKNOWN


def test_group_outside_the_stack_is_unknown():
    outcome = judge(cluster(dbClusterParameterGroupName="default.aurora-postgresql16"))
    assert outcome.status is Status.UNKNOWN
    assert "not in this stack" in outcome.message


def test_unknown_parameter_value_is_unknown():
    assert judge(cluster(), group(UNKNOWN)).status is Status.UNKNOWN
    assert judge(cluster(), group(parameters=UNKNOWN)).status is Status.UNKNOWN


def test_unknown_engine_is_unknown():
    assert judge(cluster(engine=UNKNOWN), group()).status is Status.UNKNOWN


@pytest.mark.parametrize("engine", ["aurora-mysql", "postgres", None])
def test_other_engines_are_out_of_scope(engine):
    assert run_stack(RULE, [cluster(engine=engine), group(None)]) == []


def test_parameter_group_name_is_not_revealed_when_secret():
    outcome = judge(cluster(dbClusterParameterGroupName=secret("HIDDEN-GROUP")))
    assert "HIDDEN-GROUP" not in outcome.message
