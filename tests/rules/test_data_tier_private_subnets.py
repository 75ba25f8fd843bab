import time

import pytest

from policies.model import Enforcement
from tests.rules.helpers import UNKNOWN, for_urn, only, res, rule, run_stack, statuses

RULE_ID = "FERPA-NET-04"
VPC = "aws:ec2/vpc:Vpc"
SUBNET = "aws:ec2/subnet:Subnet"
IGW = "aws:ec2/internetGateway:InternetGateway"
NAT = "aws:ec2/natGateway:NatGateway"
TABLE = "aws:ec2/routeTable:RouteTable"
ASSOCIATION = "aws:ec2/routeTableAssociation:RouteTableAssociation"
MAIN_ASSOCIATION = "aws:ec2/mainRouteTableAssociation:MainRouteTableAssociation"
ROUTE = "aws:ec2/route:Route"
RDS_SUBNETS = "aws:rds/subnetGroup:SubnetGroup"
CACHE_SUBNETS = "aws:elasticache/subnetGroup:SubnetGroup"
MOUNT_TARGET = "aws:efs/mountTarget:MountTarget"
SERVICE = "aws:ecs/service:Service"
BOOL_UNKNOWN = "1c4a061d-8072-4f0a-a4cb-0ff528b18fe7"


class Stack:
    """Builds a VPC topology either with known ids (a deployed stack) or, in
    preview mode, with every id unknown and only propertyDependencies linking them."""

    def __init__(self, preview: bool = False) -> None:
        self.preview = preview
        self.resources = []
        self.vpc = self.add(VPC, "vpc", {"cidrBlock": "10.0.0.0/16"})
        self.igw = self.add(IGW, "igw", {"vpcId": self.ref(self.vpc)}, deps={"vpcId": [self.vpc]})
        self.nat = self.add(NAT, "nat", {"subnetId": "subnet-x"})

    def add(self, type_, name, props, deps=None):
        resource_id = None if self.preview else f"{name}-id"
        props = {"id": resource_id, **props} if resource_id else dict(props)
        deps = {key: [target.urn for target in targets] for key, targets in (deps or {}).items()}
        resource = res(type_, props, name=name, id=resource_id, property_dependencies=deps)
        self.resources.append(resource)
        return resource

    def ref(self, resource):
        return UNKNOWN if self.preview else resource.id

    def subnet(self, name, route=None, via="inline", **props):
        """A subnet with its own route table; `route` is "igw", "nat", an "igw-..." literal or None."""
        subnet = self.add(
            SUBNET, name, {"vpcId": self.ref(self.vpc), "cidrBlock": "10.0.1.0/24", **props}, {"vpcId": [self.vpc]}
        )
        routes = []
        deps = {}
        target = None
        if route:
            target = {"igw": self.igw, "nat": self.nat}.get(route)
            key = "natGatewayId" if route == "nat" else "gatewayId"
            routes = [{key: self.ref(target) if target else route}]
            deps = {key: [target]} if target else {}
        inline = via == "inline"
        table = self.add(
            TABLE,
            f"{name}-rt",
            {
                "vpcId": self.ref(self.vpc),
                "routes": [{"cidrBlock": "0.0.0.0/0", **r} for r in routes] if inline else [],
            },
            {"vpcId": [self.vpc], **({"routes": [target]} if inline and target else {})},
        )
        if routes and not inline:
            self.add(
                ROUTE,
                f"{name}-default",
                {"routeTableId": self.ref(table), "destinationCidrBlock": "0.0.0.0/0", **routes[0]},
                {"routeTableId": [table], **deps},
            )
        self.add(
            ASSOCIATION,
            f"{name}-assoc",
            {"subnetId": self.ref(subnet), "routeTableId": self.ref(table)},
            {"subnetId": [subnet], "routeTableId": [table]},
        )
        return subnet

    def db_subnets(self, *subnets, name="db-subnets"):
        return self.add(RDS_SUBNETS, name, {"subnetIds": [self.ref(s) for s in subnets]}, {"subnetIds": list(subnets)})

    def run(self, **config):
        return run_stack(RULE_ID, self.resources, **config)


@pytest.fixture(params=[False, True], ids=["deployed", "preview"])
def stack(request):
    return Stack(preview=request.param)


def test_is_mandatory():
    assert rule(RULE_ID).meta.enforcement is Enforcement.MANDATORY


def test_private_subnets_with_nat_route_pass(stack):
    a, b = stack.subnet("private-a", "nat"), stack.subnet("private-b", "nat")
    group = stack.db_subnets(a, b)
    outcome = only(for_urn(stack.run(), group.urn))
    assert outcome.status == "pass"
    assert outcome.message == "private subnets: private-a, private-b"
    assert outcome.evidence == {"subnets": [a.urn, b.urn]}


def test_subnet_with_no_default_route_is_private(stack):
    group = stack.db_subnets(stack.subnet("isolated"))
    assert statuses(for_urn(stack.run(), group.urn)) == ["pass"]


@pytest.mark.parametrize("via", ["inline", "resource"])
def test_internet_gateway_route_makes_subnet_public(stack, via):
    public = stack.subnet("public-a", "igw", via=via)
    group = stack.db_subnets(stack.subnet("private-a", "nat"), public)
    outcome = only(for_urn(stack.run(), group.urn))
    assert outcome.status == "fail"
    where = "route table public-a-rt" if via == "inline" else "route public-a-default of table public-a-rt"
    assert outcome.message == f"runs in public subnet(s) (public-a: {where} routes to internet gateway igw)"
    assert outcome.evidence == {"subnets": [public.urn]}


def test_map_public_ip_on_launch_makes_subnet_public(stack):
    group = stack.db_subnets(stack.subnet("auto-ip", "nat", mapPublicIpOnLaunch=True))
    outcome = only(for_urn(stack.run(), group.urn))
    assert outcome.message == "runs in public subnet(s) (auto-ip: mapPublicIpOnLaunch is true)"


def test_literal_internet_gateway_id_outside_the_stack():
    stack = Stack()
    group = stack.db_subnets(stack.subnet("legacy", "igw-0abc"))
    assert "routes to internet gateway igw-0abc" in only(for_urn(stack.run(), group.urn)).message


def test_every_data_store_type_is_checked(stack):
    private, public = stack.subnet("private-a", "nat"), stack.subnet("public-a", "igw")
    cache = stack.add(CACHE_SUBNETS, "cache-subnets", {"subnetIds": [stack.ref(public)]}, {"subnetIds": [public]})
    mount = stack.add(
        MOUNT_TARGET, "efs-a", {"fileSystemId": "fs-1", "subnetId": stack.ref(private)}, {"subnetId": [private]}
    )
    service = stack.add(
        SERVICE,
        "api",
        {"networkConfiguration": {"subnets": [stack.ref(public)], "securityGroups": ["sg-1"]}},
        {"networkConfiguration": [public]},
    )
    outcomes = stack.run()
    assert statuses(for_urn(outcomes, cache.urn)) == ["fail"]
    assert statuses(for_urn(outcomes, mount.urn)) == ["pass"]
    assert statuses(for_urn(outcomes, service.urn)) == ["fail"]
    assert all(outcome.urn for outcome in outcomes)


def test_service_without_awsvpc_networking_is_not_applicable():
    stack = Stack()
    service = stack.add(SERVICE, "worker", {"launchType": "EC2"})
    assert statuses(for_urn(stack.run(), service.urn)) == ["not_applicable"]


def test_subnet_without_association_uses_unknown_main_table():
    stack = Stack()
    lonely = stack.add(SUBNET, "lonely", {"vpcId": stack.vpc.id}, {"vpcId": [stack.vpc]})
    group = stack.db_subnets(lonely)
    outcome = only(for_urn(stack.run(), group.urn))
    assert outcome.status == "unknown"
    assert "main route table" in outcome.message


@pytest.mark.parametrize(("route", "expected"), [("nat", "pass"), ("igw", "fail")])
def test_main_route_table_is_followed_when_in_the_stack(stack, route, expected):
    template = stack.subnet("template", route)
    table = next(r for r in stack.resources if r.name == "template-rt")
    stack.add(
        MAIN_ASSOCIATION,
        "main",
        {"vpcId": stack.ref(stack.vpc), "routeTableId": stack.ref(table)},
        {"vpcId": [stack.vpc], "routeTableId": [table]},
    )
    lonely = stack.add(SUBNET, "lonely", {"vpcId": stack.ref(stack.vpc)}, {"vpcId": [stack.vpc]})
    group = stack.db_subnets(lonely)
    assert template.urn != lonely.urn
    assert statuses(for_urn(stack.run(), group.urn)) == [expected]


def test_subnets_outside_the_stack_are_unknown():
    stack = Stack()
    group = stack.add(RDS_SUBNETS, "db-subnets", {"subnetIds": ["subnet-elsewhere"]})
    outcome = only(for_urn(stack.run(), group.urn))
    assert outcome.status == "unknown"
    assert outcome.message == "subnetIds names subnets that are not in the stack or not known"


def test_route_table_outside_the_stack_is_unknown():
    stack = Stack()
    subnet = stack.add(SUBNET, "s", {"vpcId": stack.vpc.id})
    stack.add(ASSOCIATION, "s-assoc", {"subnetId": subnet.id, "routeTableId": "rtb-elsewhere"})
    group = stack.db_subnets(subnet)
    assert statuses(for_urn(stack.run(), group.urn)) == ["unknown"]


def test_preview_without_dependencies_is_unknown_never_pass():
    stack = Stack(preview=True)
    group = stack.add(RDS_SUBNETS, "db-subnets", {"subnetIds": [UNKNOWN, UNKNOWN]})
    assert statuses(for_urn(stack.run(), group.urn)) == ["unknown"]


def test_unknown_subnet_properties_are_unknown():
    stack = Stack(preview=True)
    group = stack.db_subnets(stack.subnet("maybe", "nat", mapPublicIpOnLaunch=BOOL_UNKNOWN))
    assert statuses(for_urn(stack.run(), group.urn)) == ["unknown"]
    stack = Stack(preview=True)
    subnet = stack.subnet("maybe", "nat")
    table = next(r for r in stack.resources if r.name == "maybe-rt")
    stack.resources[stack.resources.index(table)] = res(TABLE, {"routes": UNKNOWN}, urn=table.urn, name=table.name)
    group = stack.db_subnets(subnet)
    assert statuses(for_urn(stack.run(), group.urn)) == ["unknown"]


def test_unknown_gateway_without_dependency_is_unknown():
    stack = Stack(preview=True)
    subnet = stack.subnet("maybe")
    table = next(r for r in stack.resources if r.name == "maybe-rt")
    stack.add(ROUTE, "mystery", {"routeTableId": UNKNOWN, "gatewayId": UNKNOWN}, {"routeTableId": [table]})
    group = stack.db_subnets(subnet)
    outcome = only(for_urn(stack.run(), group.urn))
    assert outcome.status == "unknown"
    assert "gatewayId that is not known" in outcome.message


def test_public_wins_over_unknown_and_names_only_public_subnets():
    stack = Stack()
    lonely = stack.add(SUBNET, "lonely", {"vpcId": stack.vpc.id})
    public = stack.subnet("public-a", "igw")
    group = stack.db_subnets(lonely, public)
    outcome = only(for_urn(stack.run(), group.urn))
    assert outcome.status == "fail"
    assert outcome.evidence == {"subnets": [public.urn]}


def test_audit_reads_outputs():
    stack = Stack()
    public = stack.subnet("public-a", "igw")
    group = stack.add(RDS_SUBNETS, "db-subnets", {"subnetIds": [UNKNOWN]}, {})
    exported = res(RDS_SUBNETS, {}, urn=group.urn, name=group.name, outputs={"subnetIds": [public.id]})
    stack.resources[-1] = exported
    assert statuses(for_urn(run_stack(RULE_ID, stack.resources, use_outputs=True), group.urn)) == ["fail"]


def test_large_stack_is_evaluated_in_linear_time():
    stack = Stack()
    groups = [
        stack.db_subnets(stack.subnet(f"s{i}", "nat" if i % 2 else "igw", via="resource"), name=f"g{i}")
        for i in range(4000)
    ]
    started = time.perf_counter()
    outcomes = stack.run()
    elapsed = time.perf_counter() - started
    assert len(outcomes) == len(groups)
    assert statuses(outcomes).count("fail") == 2000
    assert elapsed < 5, f"{len(stack.resources)} resources took {elapsed:.1f}s"


@pytest.mark.parametrize(
    ("type_", "path"),
    [
        ("aws:rds/cluster:Cluster", "dbSubnetGroupName"),
        ("aws:rds/instance:Instance", "dbSubnetGroupName"),
        ("aws:elasticache/replicationGroup:ReplicationGroup", "subnetGroupName"),
    ],
)
def test_store_without_a_subnet_group_lands_in_public_default_subnets(type_: str, path: str) -> None:
    from tests.rules.helpers import UNKNOWN as PENDING
    from tests.rules.helpers import res as make
    from tests.rules.helpers import run_stack as run_rule

    bare = make(type_, {}, name="bare")
    outcome = [o for o in run_rule("FERPA-NET-04", [bare]) if o.urn == bare.urn]
    assert [o.status.value for o in outcome] == ["fail"]
    assert outcome[0].message.startswith(f"{path} is not set: AWS places it in the default VPC")
    named = make(type_, {path: "records-data"}, name="named")
    computed = make(type_, {path: PENDING}, name="computed")
    # A group the stack does not define, or one not known yet, is unknown: never silence.
    found = [o for o in run_rule("FERPA-NET-04", [named, computed]) if o.urn in (named.urn, computed.urn)]
    assert [o.status.value for o in found] == ["unknown", "unknown"]


def test_read_replica_inherits_its_source_subnet_group() -> None:
    from tests.rules.helpers import res as make
    from tests.rules.helpers import run_stack as run_rule

    replica = make("aws:rds/instance:Instance", {"replicateSourceDb": "records-primary"}, name="replica")
    assert [o for o in run_rule("FERPA-NET-04", [replica]) if o.urn == replica.urn] == []
