"""A role's inline policies (Role.inlinePolicies) are judged exactly as FERPA-IAM-01 judges
aws:iam/rolePolicy:RolePolicy documents: no statement may allow every action on every resource."""

from dataclasses import replace

from policies.compute_checks import items, list_state
from policies.model import Outcome, Resource, unknown
from policies.registry import Context
from policies.rules import iam_no_wildcard_admin
from policies.values import MISSING, REDACTED, SECRET_SIG, SIG_KEY, UNKNOWN, get, is_secret_at, redact

RULE_ID = "FERPA-IAM-44"


def check(resource: Resource, ctx: Context) -> list[Outcome]:
    props = resource.props
    if list_state(props, "inlinePolicies") is UNKNOWN:
        return [unknown("inlinePolicies is not known during preview")]
    outcomes: list[Outcome] = []
    for path, _ in items(props, "inlinePolicies"):
        document = get(props, f"{path}.policy")
        if document is MISSING or document == "":
            continue  # an empty entry: how Pulumi removes every inline policy
        secret = is_secret_at(props, f"{path}.policy")
        policy = {SIG_KEY: SECRET_SIG, "value": document} if secret else document
        name = REDACTED if is_secret_at(props, f"{path}.name") else redact(get(props, f"{path}.name"))
        label = f"{path} ({name})" if isinstance(name, str) else path
        as_role_policy = Resource(resource.urn, "aws:iam/rolePolicy:RolePolicy", resource.name,
                                  props={"policy": policy})
        for outcome in iam_no_wildcard_admin.check(as_role_policy, ctx):
            outcomes.append(replace(outcome, message=f"{label}: {outcome.message}"))
    return outcomes
