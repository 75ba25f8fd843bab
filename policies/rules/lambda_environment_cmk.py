"""Lambda encrypts environment variables at rest with the aws/lambda key unless kmsKeyArn names
another; a function with variables must name a customer-managed key."""

from policies.compute_checks import key_in_stack
from policies.graph import Graph
from policies.model import Outcome, passed, unknown
from policies.registry import Context
from policies.values import MISSING, UNKNOWN, get

RULE_ID = "FERPA-ENC-40"

FUNCTION = "aws:lambda/function:Function"


def check_stack(graph: Graph, ctx: Context) -> list[Outcome]:
    outcomes: list[Outcome] = []
    for function in graph.of_type(FUNCTION):
        variables = get(graph.props(function), "environment.variables")
        if variables is UNKNOWN:
            outcomes.append(unknown("environment.variables is not known during preview", function.urn))
            continue
        if variables is MISSING or not variables:
            continue
        problem = key_in_stack(graph, function, "kmsKeyArn", "the environment")
        outcomes.append(problem or passed("environment variables are encrypted with a customer-managed key",
                                          function.urn))
    return outcomes
