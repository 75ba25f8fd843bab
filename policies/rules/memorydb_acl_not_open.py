from policies.checks import shown
from policies.model import Outcome, Resource, fail, unknown
from policies.registry import Context
from policies.values import MISSING, UNKNOWN, get

RULE_ID = "FERPA-TLS-65"
OPEN_ACCESS = "open-access"


def check(resource: Resource, ctx: Context) -> list[Outcome]:
    props = resource.props
    acl = get(props, "aclName")
    if acl is UNKNOWN:
        return [unknown("aclName is not known during preview; it must name an ACL other than open-access")]
    if acl is MISSING:
        return [fail("aclName is not set: the cluster has no access control list of users")]
    if not isinstance(acl, str) or not acl.strip() or acl.strip().lower() == OPEN_ACCESS:
        safe = shown(props, "aclName", acl)
        return [fail(f"aclName is {safe!r}: any client that reaches the cluster can read it without authenticating",
                     aclName=safe)]
    return []
