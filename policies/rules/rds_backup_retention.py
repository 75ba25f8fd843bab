from policies.checks import config_number, require_at_least
from policies.model import Outcome, Resource
from policies.registry import Context

RULE_ID = "FERPA-RES-01"

DEFAULT_MINIMUM_DAYS = 7
AWS_DEFAULT_DAYS = 1


def check(resource: Resource, ctx: Context) -> list[Outcome]:
    minimum = config_number(ctx.config, "minimumDays", DEFAULT_MINIMUM_DAYS)
    return require_at_least(
        resource.props,
        "backupRetentionPeriod",
        minimum,
        "student records must be recoverable",
        absent_means=AWS_DEFAULT_DAYS,
    )
