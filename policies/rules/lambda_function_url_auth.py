from policies.compute_checks import require_one_of
from policies.model import Outcome, Resource
from policies.registry import Context

RULE_ID = "FERPA-NET-40"


def check(resource: Resource, ctx: Context) -> list[Outcome]:
    return require_one_of(
        resource.props, "authorizationType", ["AWS_IAM"],
        "a function URL with authorizationType NONE lets anyone on the internet invoke the function",
    )
