"""A Lambda permission for principal "*" lets any AWS account (or, for function URLs, anyone)
invoke the function unless a source condition narrows it."""

from policies.checks import is_present, shown
from policies.model import Outcome, Resource, fail, unknown
from policies.registry import Context
from policies.values import UNKNOWN, get

RULE_ID = "FERPA-NET-41"

CONDITIONS = ("sourceArn", "sourceAccount", "principalOrgId")


def check(resource: Resource, ctx: Context) -> list[Outcome]:
    props = resource.props
    principal = get(props, "principal")
    if principal is UNKNOWN:
        return [unknown("principal is not known during preview")]
    if not isinstance(principal, str) or principal.strip() not in ("*", "arn:aws:iam::*:root"):
        return []
    present = [is_present(props, path) for path in CONDITIONS]
    if any(present):
        return []
    if None in present:
        return [unknown("principal is \"*\" and its source condition is not known during preview")]
    action = shown(props, "action", get(props, "action"))
    return [fail(f"grants {action!r} to principal \"*\" without sourceArn, sourceAccount or principalOrgId: "
                 "anyone can invoke the function", principal="*")]
