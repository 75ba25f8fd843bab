from policies.model import Outcome, Resource, fail, unknown
from policies.registry import Context
from policies.values import MISSING, UNKNOWN, get, is_secret_at

RULE_ID = "FERPA-IAM-20"

SECRET_PATHS = ("secretString", "secretBinary")


def check(resource: Resource, ctx: Context) -> list[Outcome]:
    outcomes: list[Outcome] = []
    for path in SECRET_PATHS:
        if is_secret_at(resource.props, path):
            continue
        value = get(resource.props, path)
        if value is MISSING:
            continue
        if value is UNKNOWN:
            outcomes.append(unknown(f"{path} is not known during preview, so whether it is a secret cannot be told"))
            continue
        # The value itself is never reported.
        outcomes.append(fail(
            f"{path} reaches the engine as plain text, not a Pulumi secret: it is stored readable in the state; "
            "read it with config.require_secret or generate it (random.RandomPassword)",
            **{path: "[plain text, not shown]"},
        ))
    return outcomes
