from policies.dynamodb_checks import require_everywhere
from policies.model import Outcome, Resource
from policies.registry import Context

RULE_ID = "FERPA-RES-22"


def check(resource: Resource, ctx: Context) -> list[Outcome]:
    why = "without it (DynamoDB's default) one call deletes the table and its student records"
    return require_everywhere(resource, "deletionProtectionEnabled", "deletionProtectionEnabled", why)
