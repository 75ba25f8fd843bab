from policies.dynamodb_checks import require_everywhere
from policies.model import Outcome, Resource
from policies.registry import Context

RULE_ID = "FERPA-RES-21"


def check(resource: Resource, ctx: Context) -> list[Outcome]:
    why = "without point-in-time recovery (DynamoDB's default: off) deleted or overwritten records cannot be restored"
    return require_everywhere(resource, "pointInTimeRecovery.enabled", "pointInTimeRecovery", why)
