from policies.checks import shown
from policies.model import Outcome, Resource, fail, unknown
from policies.registry import Context
from policies.values import MISSING, UNKNOWN, as_list, get, is_unknown

RULE_ID = "FERPA-TLS-70"
PLAINTEXT = "FTP"


def _protocols(resource: Resource) -> list[Outcome]:
    props = resource.props
    protocols = get(props, "protocols")
    if protocols is UNKNOWN or any(is_unknown(p) for p in as_list(protocols)):
        return [unknown("protocols is not known during preview; FTP must not be among them")]
    if any(isinstance(p, str) and p.strip().upper() == PLAINTEXT for p in as_list(protocols)):
        return [fail("protocols includes FTP: files and credentials cross the network unencrypted",
                     protocols=shown(props, "protocols", protocols))]
    return []


def _policy(resource: Resource, ctx: Context) -> list[Outcome]:
    props = resource.props
    policy = get(props, "securityPolicyName")
    if policy is UNKNOWN:
        return [unknown("securityPolicyName is not known during preview")]
    outdated = {p.lower() for p in as_list(ctx.config.get("outdatedSecurityPolicies")) if isinstance(p, str)}
    if policy is MISSING:
        return [fail("securityPolicyName is not set: the provider's default TransferSecurityPolicy-2018-11 applies, "
                     "the oldest policy; state a current one")]
    if not isinstance(policy, str) or policy.strip().lower() in outdated:
        safe = shown(props, "securityPolicyName", policy)
        return [fail(f"securityPolicyName is {safe!r}, an outdated policy; state a current one",
                     securityPolicyName=safe)]
    return []


def check(resource: Resource, ctx: Context) -> list[Outcome]:
    return _protocols(resource) + _policy(resource, ctx)
