"""CloudFront reaches custom origins (load balancers, API endpoints, web servers) with HTTPS
only, and offers them TLSv1.2 and nothing older."""

from policies.checks import shown
from policies.compute_checks import items, list_state, require_one_of
from policies.model import Outcome, Resource, fail, unknown
from policies.registry import Context
from policies.values import MISSING, UNKNOWN, as_list, get

RULE_ID = "FERPA-TLS-44"

OLD_PROTOCOLS = frozenset({"sslv3", "tlsv1", "tlsv1.1"})


def _ssl_protocols(props: object, path: str) -> list[Outcome]:
    value = get(props, f"{path}.originSslProtocols")
    if value is UNKNOWN or (value is not MISSING and list_state(props, f"{path}.originSslProtocols") is UNKNOWN):
        return [unknown(f"{path}.originSslProtocols is not known during preview")]
    protocols = [p for p in as_list(value)]
    if not protocols:
        return [fail(f"{path}.originSslProtocols is not set; it must be [\"TLSv1.2\"]")]
    old = [p for p in protocols if not isinstance(p, str) or p.strip().lower() in OLD_PROTOCOLS]
    if old:
        safe = shown(props, f"{path}.originSslProtocols", old)
        return [fail(f"{path}.originSslProtocols offers {safe}: only TLSv1.2 may be offered to the origin")]
    return []


def check(resource: Resource, ctx: Context) -> list[Outcome]:
    props = resource.props
    if list_state(props, "origins") is UNKNOWN:
        return [unknown("origins is not known during preview")]
    outcomes: list[Outcome] = []
    for path, _ in items(props, "origins"):
        custom = get(props, f"{path}.customOriginConfig")
        if custom is MISSING:
            continue
        if custom is UNKNOWN:
            outcomes.append(unknown(f"{path}.customOriginConfig is not known during preview"))
            continue
        outcomes.extend(require_one_of(props, f"{path}.customOriginConfig.originProtocolPolicy", ["https-only"],
                                       "CloudFront would fetch student data from the origin over plain HTTP"))
        outcomes.extend(_ssl_protocols(props, f"{path}.customOriginConfig"))
    return outcomes
