from policies.graph import Graph
from policies.model import Outcome, fail, passed, unknown
from policies.registry import Context
from policies.values import MISSING, get

RULE_ID = "FERPA-LOG-04"

VPC = "aws:ec2/vpc:Vpc"


def check_stack(graph: Graph, ctx: Context) -> list[Outcome]:
    logged: dict[str, list[str]] = {}
    unattributed: list[str] = []
    for flow_log in graph.of_type("aws:ec2/flowLog:FlowLog"):
        if get(graph.props(flow_log), "vpcId") is MISSING:
            continue  # a subnet or interface flow log does not cover a VPC
        found = graph.resolve(flow_log, "vpcId", (VPC,))
        for vpc in found.targets:
            logged.setdefault(vpc.urn, []).append(flow_log.urn)
        if found.unresolved and not found.targets:
            unattributed.append(flow_log.urn)
    outcomes: list[Outcome] = []
    for vpc in graph.of_type(VPC):
        if vpc.urn in logged:
            outcomes.append(passed(f"flow logs: {len(logged[vpc.urn])}", vpc.urn, flowLogs=logged[vpc.urn]))
        elif unattributed:
            message = "no flow log resolves to this VPC, and some flow logs' vpcId is not known"
            outcomes.append(unknown(message, vpc.urn, flowLogs=unattributed))
        else:
            outcomes.append(fail("the VPC has no flow log; network access to student records goes unrecorded", vpc.urn))
    return outcomes
