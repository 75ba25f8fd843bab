"""EC2 instances of the stack get no public IP address: not by associatePublicIpAddress, not
from a subnet that maps public IPs on launch (absent means the subnet's setting), not through a
launch template's network interfaces. An instance with no subnet lands in the default VPC,
whose subnets assign public IPs."""

import fnmatch

from policies.compute_checks import config_patterns, items, list_state
from policies.graph import Graph
from policies.model import Outcome, Resource, fail, passed, unknown
from policies.registry import Context
from policies.values import MISSING, UNKNOWN, get, truth

RULE_ID = "FERPA-NET-45"

INSTANCE = "aws:ec2/instance:Instance"
LAUNCH_TEMPLATE = "aws:ec2/launchTemplate:LaunchTemplate"
SUBNET = "aws:ec2/subnet:Subnet"


def _by_subnet(graph: Graph, instance: Resource) -> Outcome:
    if get(graph.props(instance), "subnetId") is MISSING:
        if get(graph.props(instance), "launchTemplate") is not MISSING:
            return passed("network settings come from its launch template (judged there)", instance.urn)
        return fail("no subnetId: the instance lands in the default VPC, whose subnets assign public IPs",
                    instance.urn)
    subnets = graph.resolve(instance, "subnetId", (SUBNET,)).targets
    if not subnets:
        return unknown("associatePublicIpAddress is not set and subnetId names no subnet of this stack; whether "
                       "the subnet assigns public IPs is not visible offline", instance.urn)
    mapped = truth(get(graph.props(subnets[0]), "mapPublicIpOnLaunch"))
    if mapped is None:
        return unknown(f"whether subnet {subnets[0].name} maps public IPs on launch is not known", instance.urn)
    if mapped:
        return fail(f"associatePublicIpAddress is not set and subnet {subnets[0].name} maps public IPs on launch",
                    instance.urn)
    return passed(f"no public IP (subnet {subnets[0].name} does not map them)", instance.urn)


def _instance(graph: Graph, instance: Resource) -> Outcome:
    value = get(graph.props(instance), "associatePublicIpAddress")
    state = truth(value)
    if state is None:
        return unknown("associatePublicIpAddress is not known during preview", instance.urn)
    if state:
        return fail("associatePublicIpAddress is true: the instance is reachable from the internet", instance.urn)
    if value is not MISSING:
        return passed("associatePublicIpAddress is false", instance.urn)
    return _by_subnet(graph, instance)


def _launch_template(graph: Graph, template: Resource) -> Outcome:
    props = graph.props(template)
    if list_state(props, "networkInterfaces") is UNKNOWN:
        return unknown("networkInterfaces is not known during preview", template.urn)
    for path, _ in items(props, "networkInterfaces"):
        state = truth(get(props, f"{path}.associatePublicIpAddress"))
        if state is None:
            return unknown(f"{path}.associatePublicIpAddress is not known during preview", template.urn)
        if state:
            return fail(f"{path}.associatePublicIpAddress is true: instances launched from it are reachable from "
                        "the internet", template.urn)
    return passed("its network interfaces request no public IP", template.urn)


def check_stack(graph: Graph, ctx: Context) -> list[Outcome]:
    allowed = config_patterns(ctx.config, "publicInstancesAllowed")
    outcomes: list[Outcome] = []
    for resource in graph.of_type(INSTANCE, LAUNCH_TEMPLATE):
        pattern = next((p for p in allowed if fnmatch.fnmatchcase(resource.name, p)), None)
        if pattern is not None:
            outcomes.append(passed(f"may have a public IP (publicInstancesAllowed: {pattern!r})", resource.urn))
        elif resource.type == INSTANCE:
            outcomes.append(_instance(graph, resource))
        else:
            outcomes.append(_launch_template(graph, resource))
    return outcomes
