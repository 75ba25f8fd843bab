from policies.checks import require_true
from policies.model import Outcome, Resource
from policies.registry import Context

RULE_ID = "FERPA-RES-02"


def check(resource: Resource, ctx: Context) -> list[Outcome]:
    return require_true(
        resource.props, "deletionProtection", "without it (AWS's default) one call deletes the student records"
    )
