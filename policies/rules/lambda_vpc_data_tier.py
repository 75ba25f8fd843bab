"""A function that uses a data store of the private data tier must run in the VPC (in private
subnets), so its traffic to the store never leaves the VPC."""

from policies.graph import Graph
from policies.model import Outcome, Resource, fail, passed, unknown
from policies.registry import Context
from policies.values import MISSING, UNKNOWN, as_list, get

RULE_ID = "FERPA-NET-42"

FUNCTION = "aws:lambda/function:Function"
DATA_TIER = (
    "aws:rds/cluster:Cluster",
    "aws:rds/instance:Instance",
    "aws:rds/clusterInstance:ClusterInstance",
    "aws:rds/proxy:Proxy",
    "aws:elasticache/replicationGroup:ReplicationGroup",
    "aws:elasticache/serverlessCache:ServerlessCache",
    "aws:elasticache/cluster:Cluster",
    "aws:efs/fileSystem:FileSystem",
    "aws:efs/accessPoint:AccessPoint",
    "aws:memorydb/cluster:Cluster",
    "aws:docdb/cluster:Cluster",
    "aws:redshift/cluster:Cluster",
)


def _data_stores(graph: Graph, function: Resource) -> list[Resource]:
    urns = {urn for urns in function.property_dependencies.values() for urn in urns} | set(function.dependencies)
    return sorted((graph.by_urn[u] for u in urns if u in graph.by_urn and graph.by_urn[u].type in DATA_TIER),
                  key=lambda r: r.name)


def _judge(graph: Graph, function: Resource, stores: list[Resource]) -> Outcome:
    names = ", ".join(store.name for store in stores)
    subnets = get(graph.props(function), "vpcConfig.subnetIds")
    if subnets is UNKNOWN:
        return unknown(f"uses {names}; vpcConfig.subnetIds is not known during preview", function.urn)
    if subnets is MISSING or not as_list(subnets):
        return fail(f"uses {names} of the data tier but has no vpcConfig: it reaches the store from outside "
                    "the VPC", function.urn, dataStores=[s.urn for s in stores])
    return passed(f"uses {names} from inside the VPC", function.urn)


def check_stack(graph: Graph, ctx: Context) -> list[Outcome]:
    outcomes: list[Outcome] = []
    for function in graph.of_type(FUNCTION):
        stores = _data_stores(graph, function)
        if stores:
            outcomes.append(_judge(graph, function, stores))
    return outcomes
