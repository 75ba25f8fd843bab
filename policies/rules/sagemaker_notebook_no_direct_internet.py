from policies.data_checks import require_one_of
from policies.model import Outcome, Resource
from policies.registry import Context

RULE_ID = "FERPA-NET-63"


def check(resource: Resource, ctx: Context) -> list[Outcome]:
    return require_one_of(
        resource.props, "directInternetAccess", ["Disabled"],
        "the notebook reaches, and can be reached through, the internet outside the VPC", absent_means="Enabled",
    )
