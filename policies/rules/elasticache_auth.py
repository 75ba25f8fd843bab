from policies.checks import is_present
from policies.model import Outcome, Resource, fail, unknown
from policies.registry import Context
from policies.values import UNKNOWN, as_list, get, is_unknown

RULE_ID = "FERPA-TLS-02"


def _has_user_groups(props: object) -> bool | None:
    """True when at least one user group id is given, None when the list is not known."""
    groups = get(props, "userGroupIds")
    if groups is UNKNOWN:
        return None
    ids = [g for g in as_list(groups) if is_unknown(g) or (isinstance(g, str) and g.strip())]
    return bool(ids)


def check(resource: Resource, ctx: Context) -> list[Outcome]:
    props = resource.props
    token = is_present(props, "authToken")
    groups = _has_user_groups(props)
    if token or groups:
        return []
    if token is None or groups is None:
        return [unknown("authToken or userGroupIds is not known during preview; one of them must be set")]
    return [
        fail(
            "neither authToken nor userGroupIds is set: any client that reaches the cache can read it "
            "without authenticating"
        )
    ]
