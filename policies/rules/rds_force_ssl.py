from policies.graph import Graph
from policies.model import Outcome
from policies.parameter_groups import NEVER, GroupLink, ParameterSetting, judge_engines
from policies.registry import Context

RULE_ID = "FERPA-TLS-60"

INSTANCE = "aws:rds/instance:Instance"
CLUSTER = "aws:rds/cluster:Cluster"
INSTANCE_LINK = GroupLink("parameterGroupName", "aws:rds/parameterGroup:ParameterGroup")
CLUSTER_LINK = GroupLink("dbClusterParameterGroupName", "aws:rds/clusterParameterGroup:ClusterParameterGroup")

POSTGRES = ParameterSetting(
    "rds.force_ssl",
    frozenset({"1"}),
    "rds.force_ssl=1",
    "the default parameter group turns rds.force_ssl on only from PostgreSQL 15, and the stack does not "
    "state engine version 15 or later",
    default_on_since=15,
)
MYSQL = ParameterSetting(
    "require_secure_transport",
    frozenset({"1", "on"}),
    "require_secure_transport=ON",
    "the default parameter group leaves require_secure_transport off",
    NEVER,
)
SQL_SERVER = ParameterSetting(
    "rds.force_ssl", frozenset({"1"}), "rds.force_ssl=1", "the default parameter group leaves rds.force_ssl off", NEVER
)

# Aurora PostgreSQL is FERPA-TLS-04's; Oracle and Db2 negotiate TLS through option groups, not parameters.
INSTANCE_ENGINES = {
    "postgres": POSTGRES,
    "mysql": MYSQL,
    "mariadb": MYSQL,
    **{f"sqlserver-{edition}": SQL_SERVER for edition in ("ee", "se", "ex", "web")},
}
CLUSTER_ENGINES = {"aurora-mysql": MYSQL, "aurora": MYSQL, "mysql": MYSQL, "postgres": POSTGRES}


def check_stack(graph: Graph, ctx: Context) -> list[Outcome]:
    return [
        *judge_engines(graph, INSTANCE, INSTANCE_LINK, INSTANCE_ENGINES),
        *judge_engines(graph, CLUSTER, CLUSTER_LINK, CLUSTER_ENGINES),
    ]
