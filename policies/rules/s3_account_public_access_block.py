from policies.checks import require_true
from policies.model import Outcome, Resource
from policies.registry import Context

RULE_ID = "FERPA-NET-21"

FLAGS = ("blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets")


def check(resource: Resource, ctx: Context) -> list[Outcome]:
    why = "the account-level block covers every bucket of the account only with all four settings on"
    return [outcome for flag in FLAGS for outcome in require_true(resource.props, flag, why)]
