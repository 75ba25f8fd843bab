from policies.checks import shown
from policies.model import Outcome, Resource, fail, unknown
from policies.registry import Context
from policies.values import MISSING, UNKNOWN, get

RULE_ID = "FERPA-TLS-06"

LEGACY_TLS12 = "TLS_1_2"
# Enhanced security policies (SecurityPolicy_TLS13_*, SecurityPolicy_TLS12_*) all require TLS 1.2 or newer.
ENHANCED_PREFIXES = ("SecurityPolicy_TLS13", "SecurityPolicy_TLS12")


def check(resource: Resource, ctx: Context) -> list[Outcome]:
    props = resource.props
    policy = get(props, "securityPolicy")
    if policy is UNKNOWN:
        return [unknown("securityPolicy is not known during preview; it must be TLS_1_2")]
    if policy is MISSING:
        return [fail("securityPolicy is not set: AWS's historic default TLS_1_0 accepts TLS 1.0; set TLS_1_2")]
    if isinstance(policy, str) and (policy == LEGACY_TLS12 or policy.startswith(ENHANCED_PREFIXES)):
        return []
    safe = shown(props, "securityPolicy", policy)
    return [fail(f"securityPolicy is {safe!r}: clients may use TLS older than 1.2; set TLS_1_2", securityPolicy=safe)]
