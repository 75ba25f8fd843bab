from policies.graph import Graph
from policies.model import Outcome
from policies.parameter_groups import GroupLink, ParameterSetting, judge
from policies.registry import Context

RULE_ID = "FERPA-TLS-68"

CLUSTER = "aws:docdb/cluster:Cluster"
LINK = GroupLink("dbClusterParameterGroupName", "aws:docdb/clusterParameterGroup:ClusterParameterGroup")
# "enabled" is DocumentDB's default in every version; the others pin a minimum TLS version or FIPS mode.
TLS = ParameterSetting(
    "tls",
    frozenset({"enabled", "tls1.2+", "tls1.3+", "fips-140-3"}),
    "tls=enabled",
    "the default cluster parameter group enables tls",
    default_on_since=0,
)


def check_stack(graph: Graph, ctx: Context) -> list[Outcome]:
    return [judge(graph, cluster, LINK, TLS) for cluster in graph.of_type(CLUSTER)]
