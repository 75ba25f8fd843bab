from policies.checks import require_not_true
from policies.model import Outcome, Resource
from policies.registry import Context

RULE_ID = "FERPA-NET-62"


def check(resource: Resource, ctx: Context) -> list[Outcome]:
    return require_not_true(
        resource.props, "publiclyAccessible", "a graph of student records must not be reachable from the internet"
    )
