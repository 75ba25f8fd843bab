from policies.data_checks import require_one_of
from policies.model import Outcome, Resource
from policies.registry import Context

RULE_ID = "FERPA-IAM-60"


def check(resource: Resource, ctx: Context) -> list[Outcome]:
    return require_one_of(
        resource.props, "mfaConfiguration", ["ON", "OPTIONAL"],
        "users sign in with a password alone", absent_means="OFF",
    )
