from policies.model import Outcome, Resource, fail, unknown
from policies.registry import Context
from policies.values import MISSING, UNKNOWN, get, is_secret_at

RULE_ID = "FERPA-IAM-02"

PASSWORD_PROPERTIES = {
    "aws:rds/cluster:Cluster": ("masterPassword", "masterPasswordWo"),
    "aws:rds/instance:Instance": ("password", "passwordWo"),
}


def check(resource: Resource, ctx: Context) -> list[Outcome]:
    outcomes: list[Outcome] = []
    for path in PASSWORD_PROPERTIES.get(resource.type, ("masterPassword",)):
        if is_secret_at(resource.props, path):
            continue
        value = get(resource.props, path)
        if value is MISSING:
            continue
        if value is UNKNOWN:
            outcomes.append(unknown(f"{path} is not known during preview, so whether it is a secret cannot be told"))
            continue
        # The value itself is never reported.
        outcomes.append(
            fail(
                f"{path} is plain text in the program; use manageMasterUserPassword=true or pass it as a Pulumi secret",
                **{path: "[plain text, not shown]"},
            )
        )
    return outcomes
