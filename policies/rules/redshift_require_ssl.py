from policies.graph import Graph
from policies.model import Outcome
from policies.parameter_groups import NEVER, GroupLink, ParameterSetting, judge
from policies.registry import Context

RULE_ID = "FERPA-TLS-67"

CLUSTER = "aws:redshift/cluster:Cluster"
LINK = GroupLink("clusterParameterGroupName", "aws:redshift/parameterGroup:ParameterGroup")
REQUIRE_SSL = ParameterSetting(
    "require_ssl",
    frozenset({"true", "1"}),
    "require_ssl=true",
    "the default parameter group applies, and the stack does not state require_ssl=true",
    NEVER,
)


def check_stack(graph: Graph, ctx: Context) -> list[Outcome]:
    return [judge(graph, cluster, LINK, REQUIRE_SSL) for cluster in graph.of_type(CLUSTER)]
