"""Load balancer listeners (and the listener rules that forward from them) carry only TLS 1.2+.

Which security policies allow only TLS 1.2 or newer comes from AWS's published policy
table, shipped as policies/data/elb_security_policies.yaml. A resource rule cannot see a
listener's load balancer or its listener rules; those are settled by `resolve_stack`, which
the gate and the audit use to resolve this rule's unknowns (the pack reports them unknown).
"""

import functools
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml

from policies.checks import is_present, shown
from policies.graph import Graph, settled
from policies.model import Outcome, Resource, Status, fail, not_applicable, passed, unknown
from policies.registry import Context
from policies.resource_types import LISTENER_RULES, LISTENERS, LOAD_BALANCERS
from policies.values import MISSING, UNKNOWN, UNKNOWN_SHOWN, as_list, get

RULE_ID = "FERPA-TLS-03"

POLICY_TABLE = Path(__file__).parents[1] / "data" / "elb_security_policies.yaml"
MINIMUM_TLS = (1, 2)
TLS_PROTOCOLS = ("HTTPS", "TLS")
PASS_THROUGH_PROTOCOLS = ("TCP",)
CERTIFICATES = (
    "aws:acm/certificate:Certificate",
    "aws:acm/certificateValidation:CertificateValidation",
    "aws:iam/serverCertificate:ServerCertificate",
)
GATEWAY_ARN = ":loadbalancer/gwy/"
# What the gate and the audit settle with the whole stack in view (see resolve_stack).
RESOLVED_BY = {"certificateArn": RULE_ID, "loadBalancerArn": RULE_ID, "listenerArn": RULE_ID}


@functools.cache
def security_policies() -> tuple[str, Mapping[str, tuple[tuple[int, ...], tuple[int, ...]]]]:
    """The table's date and each policy's (lowest, highest) TLS version."""
    data = yaml.safe_load(POLICY_TABLE.read_text(encoding="utf-8"))

    def version(text: str) -> tuple[int, ...]:
        return tuple(int(part) for part in str(text).split("."))

    table = {name: (version(row["min"]), version(row["max"])) for name, row in data["policies"].items()}
    return str(data["source_date"]), table


def _policy_verdict(props: Mapping[str, Any], ctx: Context) -> Outcome | None:
    policy = get(props, "sslPolicy")
    if policy is UNKNOWN:
        return unknown("sslPolicy is not known during preview; it must allow only TLS 1.2 or newer")
    if policy is MISSING:
        return fail("sslPolicy is not set: AWS's API default, ELBSecurityPolicy-2016-08, allows TLS 1.0 and 1.1")
    extra = {p for p in as_list(ctx.config.get("allowedSslPolicies")) if isinstance(p, str)}
    if isinstance(policy, str) and policy in extra:
        return None
    safe = shown(props, "sslPolicy", policy)
    date, table = security_policies()
    versions = table.get(policy) if isinstance(policy, str) else None
    if versions is None:
        return fail(
            f"sslPolicy {safe!r} is not in AWS's security policy table of {date}; name a TLS 1.2+ policy "
            "from it (or add a newer one to allowedSslPolicies)",
            sslPolicy=safe,
        )
    lowest = ".".join(map(str, versions[0]))
    if versions[0] < MINIMUM_TLS:
        return fail(f"sslPolicy {safe!r} allows TLS {lowest}; only TLS 1.2 or newer may be allowed", sslPolicy=safe)
    return None


def _check_tls(props: Mapping[str, Any], ctx: Context) -> list[Outcome]:
    outcomes: list[Outcome] = []
    certificate = is_present(props, "certificateArn")
    if certificate is None:
        outcomes.append(unknown("certificateArn is not known during preview", certificateArn=UNKNOWN_SHOWN))
    elif not certificate:
        outcomes.append(fail("certificateArn is not set: a TLS listener needs a server certificate"))
    verdict = _policy_verdict(props, ctx)
    if verdict is not None:
        outcomes.append(verdict)
    return outcomes


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


def _on_gateway(props: Mapping[str, Any]) -> bool | None:
    """Whether loadBalancerArn names a Gateway Load Balancer; None while it is not known."""
    arn = get(props, "loadBalancerArn")
    if arn is UNKNOWN:
        return None
    return isinstance(arn, str) and GATEWAY_ARN in arn


def _check_listener(props: Mapping[str, Any], ctx: Context) -> list[Outcome]:
    protocol = get(props, "protocol")
    if protocol is UNKNOWN:
        return [unknown("protocol is not known during preview; it must be HTTPS or TLS")]
    name = protocol.upper() if isinstance(protocol, str) else None
    if name == "GENEVE" or (protocol is MISSING and _on_gateway(props)):
        return [not_applicable("a Gateway Load Balancer listener forwards packets to appliances; it has no TLS")]
    if name in TLS_PROTOCOLS:
        return _check_tls(props, ctx)
    if name in PASS_THROUGH_PROTOCOLS:
        safe = shown(props, "protocol", protocol)
        return [
            unknown(
                f"protocol is {safe}: the listener passes bytes through, so TLS (terminated by the targets) "
                "cannot be verified here; use a TLS listener to have the load balancer enforce it"
            )
        ]
    if name == "HTTP" or protocol is MISSING:
        redirect = _redirects_to_https(props)
        if redirect:
            return []
        if protocol is MISSING and _on_gateway(props) is None:
            return [
                unknown(
                    "protocol is absent: plaintext on an ALB (HTTP) or NLB (TCP), not applicable on a Gateway "
                    "Load Balancer; which one loadBalancerArn names is not known during preview",
                    loadBalancerArn=UNKNOWN_SHOWN,
                )
            ]
        shown_protocol = "absent (HTTP on an ALB, TCP on an NLB: never TLS)" if protocol is MISSING else "HTTP"
        if redirect is None:
            return [unknown(f"protocol is {shown_protocol} and the default action is not known during preview")]
        return [
            fail(f"protocol is {shown_protocol}: traffic is plaintext; an HTTP listener may only redirect to HTTPS")
        ]
    safe = shown(props, "protocol", protocol)
    return [fail(f"protocol is {safe!r}: traffic is not encrypted; use HTTPS or TLS", protocol=safe)]


def _rule_forwards(props: Mapping[str, Any]) -> bool | None:
    """Whether a listener rule sends requests on (anything but a redirect or a fixed response)."""
    actions = get(props, "actions")
    if actions is UNKNOWN:
        return None
    kinds = [get(props, f"actions.{index}.type") for index in range(len(as_list(actions)))]
    if UNKNOWN in kinds:
        return None
    return any(kind not in ("redirect", "fixed-response") for kind in kinds)


def _check_listener_rule(props: Mapping[str, Any]) -> list[Outcome]:
    forwards = _rule_forwards(props)
    if forwards is None:
        return [unknown("the listener rule's actions are not known during preview")]
    if not forwards:
        return []  # it only redirects or answers itself: nothing travels on in plaintext
    return [
        unknown(
            "the listener rule sends requests on; whether its listener is plaintext HTTP needs the listener, "
            "which a single resource does not show",
            listenerArn=UNKNOWN_SHOWN,
        )
    ]


def check(resource: Resource, ctx: Context) -> list[Outcome]:
    if resource.type in LISTENER_RULES:
        return _check_listener_rule(resource.props)
    return _check_listener(resource.props, ctx)


def _listener_protocol(graph: Graph, listener: Resource) -> str | None:
    protocol = get(graph.props(listener), "protocol")
    if isinstance(protocol, str):
        return protocol.upper()
    return "HTTP" if protocol is MISSING else None


@settled
def resolve_stack(graph: Graph, ctx: Context) -> list[Outcome]:
    """What the stack settles for this rule: certificates of the stack, the type of a listener's load
    balancer, and the listener behind each listener rule."""
    outcomes: list[Outcome] = []
    for listener in graph.of_type(*LISTENERS):
        certificates = graph.resolve(listener, "certificateArn", CERTIFICATES).targets
        if certificates:
            message = f"certificateArn is certificate {certificates[0].name} of this stack"
            outcomes.append(passed(message, listener.urn, property="certificateArn"))
        for balancer in graph.resolve(listener, "loadBalancerArn", LOAD_BALANCERS).targets:
            kind = get(graph.props(balancer), "loadBalancerType")
            if kind == "gateway":
                message = (f"a listener of Gateway Load Balancer {balancer.name} forwards packets to appliances; "
                           "it has no TLS")
                outcomes.append(Outcome(Status.NOT_APPLICABLE, message, listener.urn, {"property": "loadBalancerArn"}))
            elif isinstance(kind, str) or kind is MISSING:
                message = (f"protocol is absent on a listener of load balancer {balancer.name}: traffic is "
                           "plaintext (HTTP on an ALB, TCP on an NLB)")
                outcomes.append(fail(message, listener.urn, property="loadBalancerArn"))
    for rule in graph.of_type(*LISTENER_RULES):
        for listener in graph.resolve(rule, "listenerArn", LISTENERS).targets:
            protocol = _listener_protocol(graph, listener)
            if protocol in TLS_PROTOCOLS:
                outcomes.append(passed(f"forwards from {protocol} listener {listener.name}", rule.urn,
                                       property="listenerArn"))
            elif protocol == "HTTP":
                outcomes.append(fail(
                    f"forwards requests from plaintext HTTP listener {listener.name}: a listener that redirects "
                    "by default still serves this rule's requests unencrypted", rule.urn, property="listenerArn"))
    return outcomes
