from collections.abc import Mapping
from typing import Any

from policies.checks import is_present, shown
from policies.model import Outcome, Resource, fail, unknown
from policies.registry import Context
from policies.values import MISSING, UNKNOWN, as_list, get

RULE_ID = "FERPA-TLS-03"

TLS_PROTOCOLS = ("HTTPS", "TLS")


def _allowed_policies(ctx: Context) -> list[str]:
    return [p for p in as_list(ctx.config.get("allowedSslPolicies")) if isinstance(p, str)]


def _redirects_to_https(props: Mapping[str, Any]) -> bool | None:
    """True when the only default action redirects to HTTPS; None when that is not known yet."""
    actions = get(props, "defaultActions")
    if actions is UNKNOWN:
        return None
    if len(as_list(actions)) != 1:
        return False
    kind = get(props, "defaultActions.0.type")
    protocol = get(props, "defaultActions.0.redirect.protocol")
    if UNKNOWN in (kind, protocol):
        return None
    return kind == "redirect" and isinstance(protocol, str) and protocol.upper() == "HTTPS"


def _check_tls(props: Mapping[str, Any], ctx: Context) -> list[Outcome]:
    outcomes: list[Outcome] = []
    certificate = is_present(props, "certificateArn")
    if certificate is None:
        outcomes.append(unknown("certificateArn is not known during preview"))
    elif not certificate:
        outcomes.append(fail("certificateArn is not set: a TLS listener needs a server certificate"))
    policy = get(props, "sslPolicy")
    allowed = _allowed_policies(ctx)
    if policy is UNKNOWN:
        outcomes.append(unknown("sslPolicy is not known during preview; it must be a TLS 1.2+ policy"))
    elif policy is MISSING:
        outcomes.append(
            fail("sslPolicy is not set: AWS picks its default security policy; name one from allowedSslPolicies")
        )
    elif policy not in allowed:
        safe = shown(props, "sslPolicy", policy)
        outcomes.append(
            fail(f"sslPolicy {safe!r} is not in allowedSslPolicies (TLS 1.2 or newer only)", sslPolicy=safe)
        )
    return outcomes


def check(resource: Resource, ctx: Context) -> list[Outcome]:
    props = resource.props
    protocol = get(props, "protocol")
    if protocol is UNKNOWN:
        return [unknown("protocol is not known during preview; it must be HTTPS or TLS")]
    name = protocol.upper() if isinstance(protocol, str) else None
    if name in TLS_PROTOCOLS:
        return _check_tls(props, ctx)
    if name == "HTTP" or protocol is MISSING:
        redirect = _redirects_to_https(props)
        if redirect:
            return []
        shown_protocol = "absent (HTTP on an ALB, TCP on an NLB: never TLS)" if protocol is MISSING else "HTTP"
        if redirect is None:
            return [unknown(f"protocol is {shown_protocol} and the default action is not known during preview")]
        return [
            fail(f"protocol is {shown_protocol}: traffic is plaintext; an HTTP listener may only redirect to HTTPS")
        ]
    safe = shown(props, "protocol", protocol)
    return [fail(f"protocol is {safe!r}: traffic is not encrypted; use HTTPS or TLS", protocol=safe)]
