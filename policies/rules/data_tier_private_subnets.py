"""Data stores only in private subnets: subnet -> route table -> internet gateway.

Reverse lookups (associations of a subnet, routes of a table, main table of a
VPC) are indexed once per evaluation so the rule stays linear in the stack size.
"""

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from enum import Enum

from policies.checks import shown
from policies.graph import Graph
from policies.model import Outcome, Resource, fail, not_applicable, passed, unknown
from policies.registry import Context
from policies.values import MISSING, UNKNOWN, as_list, get, truth

RULE_ID = "FERPA-NET-04"

SUBNET = ("aws:ec2/subnet:Subnet",)
VPC = ("aws:ec2/vpc:Vpc",)
ROUTE_TABLES = ("aws:ec2/routeTable:RouteTable", "aws:ec2/defaultRouteTable:DefaultRouteTable")
INTERNET_GATEWAY = ("aws:ec2/internetGateway:InternetGateway",)
ASSOCIATION = "aws:ec2/routeTableAssociation:RouteTableAssociation"
MAIN_ASSOCIATION = "aws:ec2/mainRouteTableAssociation:MainRouteTableAssociation"
ROUTE = "aws:ec2/route:Route"

# Where each data store names its subnets.
SUBNET_PATHS = {
    "aws:rds/subnetGroup:SubnetGroup": "subnetIds",
    "aws:elasticache/subnetGroup:SubnetGroup": "subnetIds",
    "aws:efs/mountTarget:MountTarget": "subnetId",
    "aws:ecs/service:Service": "networkConfiguration.subnets",
}


class Exposure(Enum):
    PRIVATE = "private"
    PUBLIC = "public"
    UNKNOWN = "unknown"


@dataclass(frozen=True, slots=True)
class Verdict:
    exposure: Exposure
    reason: str


PRIVATE = Verdict(Exposure.PRIVATE, "")


def _worst(verdicts: Sequence[Verdict]) -> Verdict:
    for exposure in (Exposure.PUBLIC, Exposure.UNKNOWN):
        for verdict in verdicts:
            if verdict.exposure is exposure:
                return verdict
    return PRIVATE


class Network:
    """The subnet/route-table/gateway topology of one stack, with per-subnet verdicts."""

    def __init__(self, graph: Graph) -> None:
        self.graph = graph
        self.tables_of_subnet: dict[str, list[Resource | None]] = defaultdict(list)
        self.routes_of_table: dict[str, list[Resource]] = defaultdict(list)
        self.main_tables_of_vpc: dict[str, list[Resource | None]] = defaultdict(list)
        self._verdicts: dict[str, Verdict] = {}
        self._table_verdicts: dict[str, Verdict] = {}
        for association in graph.of_type(ASSOCIATION):
            tables = self._tables(association)
            for subnet in graph.resolve(association, "subnetId", SUBNET).targets:
                self.tables_of_subnet[subnet.urn].extend(tables)
        for association in graph.of_type(MAIN_ASSOCIATION):
            tables = self._tables(association)
            for vpc in graph.resolve(association, "vpcId", VPC).targets:
                self.main_tables_of_vpc[vpc.urn].extend(tables)
        for table in graph.of_type(ROUTE_TABLES[1]):
            for vpc in graph.resolve(table, "defaultRouteTableId", VPC).targets:
                self.main_tables_of_vpc.setdefault(vpc.urn, [table])
        for route in graph.of_type(ROUTE):
            for table in graph.resolve(route, "routeTableId", ROUTE_TABLES).targets:
                self.routes_of_table[table.urn].append(route)

    def _tables(self, association: Resource) -> list[Resource | None]:
        """The route tables an association points at; None stands for one outside the stack or not known."""
        found = self.graph.resolve(association, "routeTableId", ROUTE_TABLES)
        return [*found.targets, *([None] if found.unresolved else [])]

    def _gateway(self, resource: Resource, path: str, where: str) -> Verdict:
        value = get(self.graph.props(resource), path)
        if value is MISSING:
            return PRIVATE
        found = self.graph.resolve(resource, path, INTERNET_GATEWAY)
        if found.targets:
            return Verdict(Exposure.PUBLIC, f"{where} routes to internet gateway {found.targets[0].name}")
        if isinstance(value, str) and value.startswith("igw-"):
            gateway = shown(self.graph.props(resource), path, value)
            return Verdict(Exposure.PUBLIC, f"{where} routes to internet gateway {gateway}")
        if isinstance(value, str):
            return PRIVATE
        return Verdict(Exposure.UNKNOWN, f"{where} has a gatewayId that is not known")

    def _table(self, table: Resource | None) -> Verdict:
        if table is None:
            return Verdict(Exposure.UNKNOWN, "its route table is not in the stack or not known")
        if table.urn not in self._table_verdicts:
            verdicts: list[Verdict] = []
            routes = get(self.graph.props(table), "routes")
            if routes is UNKNOWN:
                verdicts.append(Verdict(Exposure.UNKNOWN, f"the routes of route table {table.name} are not known"))
            for index, _ in enumerate(as_list(routes)):
                verdicts.append(self._gateway(table, f"routes.{index}.gatewayId", f"route table {table.name}"))
            for route in self.routes_of_table.get(table.urn, ()):
                verdicts.append(self._gateway(route, "gatewayId", f"route {route.name} of table {table.name}"))
            self._table_verdicts[table.urn] = _worst(verdicts)
        return self._table_verdicts[table.urn]

    def _tables_for(self, subnet: Resource) -> list[Resource | None] | Verdict:
        if subnet.urn in self.tables_of_subnet:
            return self.tables_of_subnet[subnet.urn]
        vpcs = self.graph.resolve(subnet, "vpcId", VPC).targets
        main_tables = [table for vpc in vpcs for table in self.main_tables_of_vpc.get(vpc.urn, ())]
        if main_tables:
            return main_tables
        reason = "no route table association: it uses the VPC's main route table (not in the stack)"
        return Verdict(Exposure.UNKNOWN, reason)

    def subnet(self, subnet: Resource) -> Verdict:
        if subnet.urn not in self._verdicts:
            public_ip = truth(get(self.graph.props(subnet), "mapPublicIpOnLaunch"))
            if public_ip:
                verdict = Verdict(Exposure.PUBLIC, "mapPublicIpOnLaunch is true")
            else:
                tables = self._tables_for(subnet)
                verdicts = [tables] if isinstance(tables, Verdict) else [self._table(t) for t in tables]
                if public_ip is None:
                    verdicts.append(Verdict(Exposure.UNKNOWN, "mapPublicIpOnLaunch is not known during preview"))
                verdict = _worst(verdicts)
            self._verdicts[subnet.urn] = verdict
        return self._verdicts[subnet.urn]


def _judge(network: Network, store: Resource, path: str) -> Outcome:
    graph = network.graph
    if get(graph.props(store), path) is MISSING and not store.property_dependencies.get(path.split(".")[0]):
        return not_applicable(f"{path} is not set: it places nothing in a subnet", store.urn)
    found = graph.resolve(store, path, SUBNET)
    judged = [(subnet, network.subnet(subnet)) for subnet in found.targets]
    public = [(s, v) for s, v in judged if v.exposure is Exposure.PUBLIC]
    if public:
        details = "; ".join(f"{s.name}: {v.reason}" for s, v in public)
        return fail(f"runs in public subnet(s) ({details})", store.urn, subnets=[s.urn for s, _ in public])
    doubtful = [(s, v) for s, v in judged if v.exposure is Exposure.UNKNOWN]
    if doubtful:
        details = "; ".join(f"{s.name}: {v.reason}" for s, v in doubtful)
        subnets = [s.urn for s, _ in doubtful]
        return unknown(f"cannot tell whether subnet(s) are private ({details})", store.urn, subnets=subnets)
    if found.unresolved:
        return unknown(f"{path} names subnets that are not in the stack or not known", store.urn)
    if not judged:
        return fail(f"{path} names no subnet", store.urn)
    names = ", ".join(s.name for s, _ in judged)
    return passed(f"private subnets: {names}", store.urn, subnets=[s.urn for s, _ in judged])


# Data stores that take a subnet group; without one AWS uses the default VPC's default subnets, which are public.
SUBNET_GROUP_PATHS = {
    "aws:rds/cluster:Cluster": "dbSubnetGroupName",
    "aws:rds/instance:Instance": "dbSubnetGroupName",
    "aws:elasticache/replicationGroup:ReplicationGroup": "subnetGroupName",
}


SUBNET_GROUPS = ("aws:rds/subnetGroup:SubnetGroup", "aws:elasticache/subnetGroup:SubnetGroup")
DEFAULT_GROUP = "default"


def _has_subnet_group(graph: Graph, store: Resource) -> Outcome | None:
    """The store's subnet group: None when it is one of the stack's (judged on the group itself);
    a failure when absent or AWS's `default`; unknown when it cannot be tied to a group of the stack."""
    path = SUBNET_GROUP_PATHS[store.type]
    props = graph.props(store)
    value = get(props, path)
    if value is MISSING or value == "":
        return fail(
            f"{path} is not set: AWS places it in the default VPC's default subnets, which are public", store.urn
        )
    if graph.resolve(store, path, SUBNET_GROUPS).targets:
        return None
    if isinstance(value, str) and value.lower() == DEFAULT_GROUP:
        return fail(
            f"{path} is AWS's default subnet group, which holds the default VPC's default subnets: they are public",
            store.urn,
        )
    if value is UNKNOWN:
        return unknown(
            f"{path} is not known during preview and no subnet group of this stack feeds it; whether its "
            "subnets are private is not known",
            store.urn,
        )
    safe = shown(props, path, value)
    return unknown(
        f"{path} {safe!r} is not a subnet group of this stack; whether its subnets are private is not visible offline",
        store.urn,
        **{path: safe},
    )


def check_stack(graph: Graph, ctx: Context) -> list[Outcome]:
    network = Network(graph)
    outcomes = [_judge(network, store, SUBNET_PATHS[store.type]) for store in graph.of_type(*SUBNET_PATHS)]
    for store in graph.of_type(*SUBNET_GROUP_PATHS):
        if store.type == "aws:rds/instance:Instance" and get(graph.props(store), "replicateSourceDb") is not MISSING:
            continue  # a read replica in the same region inherits its source's subnet group
        missing = _has_subnet_group(graph, store)
        if missing is not None:
            outcomes.append(missing)
    return outcomes
