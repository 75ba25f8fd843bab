from policies.graph import Graph
from policies.model import Outcome, fail, not_applicable, passed, unknown
from policies.registry import Context
from policies.values import MISSING, UNKNOWN, get

RULE_ID = "FERPA-LINK-03"

VPC_LINK = "aws:apigateway/vpcLink:VpcLink"


def check_stack(graph: Graph, ctx: Context) -> list[Outcome]:
    outcomes: list[Outcome] = []
    for integration in graph.of_type("aws:apigateway/integration:Integration"):
        props = graph.props(integration)
        connection_type = get(props, "connectionType")
        if connection_type is UNKNOWN:
            outcomes.append(unknown("connectionType is not known during preview", integration.urn))
            continue
        if connection_type != "VPC_LINK":
            outcomes.append(not_applicable("not a VPC_LINK integration", integration.urn))
            continue
        found = graph.resolve(integration, "connectionId", (VPC_LINK,))
        if found.targets and found.known:
            names = ", ".join(link.name for link in found.targets)
            outcomes.append(passed(f"uses VPC Link {names}", integration.urn, vpcLinks=[t.urn for t in found.targets]))
            continue
        connection_id = get(props, "connectionId")
        if connection_id is MISSING:
            outcomes.append(fail("connectionType is VPC_LINK but connectionId is not set", integration.urn))
        elif not isinstance(connection_id, str):
            outcomes.append(unknown("connectionId is not known and no VPC Link of the stack feeds it", integration.urn))
        elif "${stageVariables." in connection_id:
            outcomes.append(unknown(f"connectionId {connection_id} comes from a stage variable", integration.urn))
        else:
            message = f"connectionId {connection_id} is not a VPC Link of this stack"
            outcomes.append(fail(message, integration.urn, connectionId=connection_id))
    return outcomes
