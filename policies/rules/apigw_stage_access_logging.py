from policies.graph import Graph, settled
from policies.model import Outcome, Resource, fail, passed, unknown
from policies.registry import Context
from policies.values import MISSING, SECRET_PRESENT, UNKNOWN, get

RULE_ID = "FERPA-LOG-01"

PATH = "accessLogSettings.destinationArn"
DESTINATIONS = ("aws:cloudwatch/logGroup:LogGroup", "aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream")
# A destination ARN computed from a log group of the stack is unknown here; resolve_stack ties it to that group.
RESOLVED_BY = {PATH: RULE_ID}


def check(resource: Resource, ctx: Context) -> list[Outcome]:
    destination = get(resource.props, PATH)
    if destination is UNKNOWN:
        return [unknown(f"{PATH} is not known during preview", **{PATH: "<unknown>"})]
    if destination is SECRET_PRESENT:
        return []
    if destination is MISSING or not isinstance(destination, str) or not destination.strip():
        return [fail(f"access logging is off: {PATH} is not set; requests for student records go unrecorded")]
    return []


@settled
def resolve_stack(graph: Graph, ctx: Context) -> list[Outcome]:
    """Stages whose access-log destination is a log group (or Firehose stream) of the stack."""
    outcomes: list[Outcome] = []
    for stage in graph.of_type("aws:apigateway/stage:Stage"):
        found = graph.resolve(stage, PATH, DESTINATIONS).targets
        if found:
            outcomes.append(passed(f"access logs go to {found[0].name} of this stack", stage.urn, property=PATH))
    return outcomes
