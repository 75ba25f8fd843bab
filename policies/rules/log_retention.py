from policies.checks import config_number, require_at_least
from policies.model import Outcome, Resource
from policies.registry import Context
from policies.values import as_number, get

RULE_ID = "FERPA-LOG-03"

DEFAULT_MINIMUM_DAYS = 365


def check(resource: Resource, ctx: Context) -> list[Outcome]:
    if as_number(get(resource.props, "retentionInDays")) == 0:
        return []  # 0 means the records never expire
    minimum = config_number(ctx.config, "minimumDays", DEFAULT_MINIMUM_DAYS)
    # Absent also means never expire, which satisfies any minimum.
    return require_at_least(
        resource.props,
        "retentionInDays",
        minimum,
        "disclosure records must be kept for the retention period",
        absent_means=float("inf"),
    )
