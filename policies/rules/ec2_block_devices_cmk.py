"""Every EBS volume an instance or launch template creates is encrypted with a customer-managed
key: the root device, each EBS block device, each launch template block device mapping. Keys
not known during preview are resolved to KMS keys of the stack."""

from policies.compute_checks import items, key_in_stack, list_state, worst
from policies.graph import Graph
from policies.model import Outcome, Resource, fail, passed, unknown
from policies.registry import Context
from policies.values import MISSING, UNKNOWN, get, truth

RULE_ID = "FERPA-ENC-43"

INSTANCE = "aws:ec2/instance:Instance"
LAUNCH_TEMPLATE = "aws:ec2/launchTemplate:LaunchTemplate"


def _device(graph: Graph, resource: Resource, path: str) -> list[Outcome]:
    props = graph.props(resource)
    encrypted = truth(get(props, f"{path}.encrypted"))
    if encrypted is None:
        return [unknown(f"{path}.encrypted is not known during preview", resource.urn)]
    if not encrypted:
        return [fail(f"{path}.encrypted is not true: the volume is stored unencrypted (AWS's default, unless "
                     "account default encryption is on)", resource.urn)]
    key = key_in_stack(graph, resource, f"{path}.kmsKeyId", "the volume")
    return [key] if key is not None else []


def _list(graph: Graph, resource: Resource, path: str, device: str) -> list[Outcome]:
    if list_state(graph.props(resource), path) is UNKNOWN:
        return [unknown(f"{path} is not known during preview", resource.urn)]
    outcomes: list[Outcome] = []
    for item_path, item in items(graph.props(resource), path):
        if device and get(item, device) is MISSING:
            continue  # an ephemeral (instance store) or suppressed device: no EBS volume
        outcomes.extend(_device(graph, resource, ".".join((item_path, device)) if device else item_path))
    return outcomes


def _instance(graph: Graph, instance: Resource) -> list[Outcome]:
    props = graph.props(instance)
    root = get(props, "rootBlockDevice")
    outcomes: list[Outcome] = []
    if root is UNKNOWN:
        outcomes.append(unknown("rootBlockDevice is not known during preview", instance.urn))
    elif root is MISSING:
        if get(props, "launchTemplate") is MISSING:
            outcomes.append(fail("rootBlockDevice is not set: the root volume follows the AMI, unencrypted unless "
                                 "its snapshot or the account default encrypts it", instance.urn))
    else:
        outcomes.extend(_device(graph, instance, "rootBlockDevice"))
    return outcomes + _list(graph, instance, "ebsBlockDevices", "")


def _launch_template(graph: Graph, template: Resource) -> list[Outcome]:
    if get(graph.props(template), "blockDeviceMappings") is MISSING:
        return [fail("blockDeviceMappings is not set: the root volume follows the AMI, unencrypted unless its "
                     "snapshot or the account default encrypts it", template.urn)]
    return _list(graph, template, "blockDeviceMappings", "ebs")


def check_stack(graph: Graph, ctx: Context) -> list[Outcome]:
    outcomes: list[Outcome] = []
    for resource in graph.of_type(INSTANCE, LAUNCH_TEMPLATE):
        problems = _instance(graph, resource) if resource.type == INSTANCE else _launch_template(graph, resource)
        outcomes.append(worst(problems) or passed("every EBS volume is encrypted with a customer-managed key",
                                                   resource.urn))
    return outcomes
