from policies.graph import Graph
from policies.model import Outcome
from policies.parameter_groups import GroupLink, ParameterSetting, judge_engines
from policies.registry import Context

RULE_ID = "FERPA-TLS-04"

CLUSTER = "aws:rds/cluster:Cluster"
LINK = GroupLink("dbClusterParameterGroupName", "aws:rds/clusterParameterGroup:ClusterParameterGroup")
FORCE_SSL = ParameterSetting(
    "rds.force_ssl",
    frozenset({"1"}),
    "rds.force_ssl=1",
    "the default cluster parameter group applies, and the stack does not state rds.force_ssl=1 "
    "(the default depends on the engine version)",
)


def check_stack(graph: Graph, ctx: Context) -> list[Outcome]:
    return judge_engines(graph, CLUSTER, LINK, {"aurora-postgresql": FORCE_SSL})
