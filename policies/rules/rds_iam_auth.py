from policies.checks import require_true
from policies.model import Outcome, Resource
from policies.registry import Context

RULE_ID = "FERPA-IAM-04"


def check(resource: Resource, ctx: Context) -> list[Outcome]:
    return require_true(
        resource.props,
        "iamDatabaseAuthenticationEnabled",
        "IAM authentication gives short-lived, auditable database credentials",
    )
