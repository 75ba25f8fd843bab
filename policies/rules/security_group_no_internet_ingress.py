"""Internet ingress in inline security-group rules and in the standalone rule resources."""

import functools
import ipaddress
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from policies.graph import Graph, settled
from policies.model import Outcome, Resource, fail, not_applicable, passed, unknown
from policies.registry import Context
from policies.resource_types import LISTENER_RULES, LISTENERS, LOAD_BALANCERS
from policies.values import (
    MISSING,
    REDACTED,
    SECRET_PRESENT,
    SECRET_SIG,
    SIG_KEY,
    UNKNOWN,
    UNKNOWN_SHOWN,
    as_list,
    as_number,
    get,
    is_secret,
    is_secret_at,
    is_unknown,
)

RULE_ID = "FERPA-NET-03"

SECURITY_GROUP = "aws:ec2/securityGroup:SecurityGroup"
DEFAULT_SECURITY_GROUP = "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup"
SECURITY_GROUP_RULE = "aws:ec2/securityGroupRule:SecurityGroupRule"
INGRESS_RULE = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"
DEFAULT_INTERNET_PORTS = (443,)
ALL_PROTOCOLS = frozenset({"-1", "all"})
PORT_PROTOCOLS = frozenset({"tcp", "udp", "6", "17"})
# Path MTU discovery needs "fragmentation needed" (ICMP type 3 code 4) and ICMPv6 "packet too big" (type 2)
# from anywhere; allowing only those is no exposure. For ICMP, fromPort is the type and toPort the code.
PATH_MTU_ICMP = {"icmp": (3, 4), "1": (3, 4), "icmpv6": (2, 0), "58": (2, 0)}
HTTP_PORT = 80
HTTP_REDIRECT = "httpRedirect"
"""The property a port-80 unknown is about: whether the port serves only HTTP->HTTPS redirect listeners."""
RESOLVED_BY = {HTTP_REDIRECT: RULE_ID}


@dataclass(frozen=True, slots=True)
class IngressRule:
    """One ingress permission, whatever resource shape it came from."""

    where: str
    cidrs: tuple[Any, ...]
    protocol: Any
    from_port: Any
    to_port: Any
    secret: bool = False
    """The protocol or a port sits in a secret: messages and evidence never show them."""


def _cidr_values(raw: Any) -> tuple[Any, ...]:
    return (UNKNOWN,) if raw is UNKNOWN else tuple(as_list(raw))


def _inline_rules(props: Mapping[str, Any]) -> list[IngressRule] | None:
    """None when the ingress list itself is not known."""
    ingress = get(props, "ingress")
    if ingress is UNKNOWN:
        return None
    raw = props.get("ingress") if type(props) is dict and props.get(SIG_KEY) != SECRET_SIG else None
    if type(raw) is list and all(type(item) is dict and item.get(SIG_KEY) != SECRET_SIG for item in raw):
        # No secret or unknown on the way to each item: reading the item is what the dotted paths below
        # read, without walking from the top for every field (security groups are many in large audits).
        return [_ingress_rule(f"ingress[{index}]", item) for index, item in enumerate(raw)]
    return _inline_rules_by_path(props, ingress)


def _inline_rules_by_path(props: Mapping[str, Any], ingress: Any) -> list[IngressRule]:
    rules = []
    for index in range(len(as_list(ingress))):
        prefix = f"ingress.{index}"
        cidrs = _cidr_values(get(props, f"{prefix}.cidrBlocks")) + _cidr_values(get(props, f"{prefix}.ipv6CidrBlocks"))
        rules.append(
            IngressRule(
                f"ingress[{index}]",
                cidrs,
                get(props, f"{prefix}.protocol"),
                get(props, f"{prefix}.fromPort"),
                get(props, f"{prefix}.toPort"),
                _any_secret(props, (f"{prefix}.protocol", f"{prefix}.fromPort", f"{prefix}.toPort")),
            )
        )
    return rules


def _ingress_rule(where: str, item: Mapping[str, Any]) -> IngressRule:
    cidrs = _cidr_values(get(item, "cidrBlocks")) + _cidr_values(get(item, "ipv6CidrBlocks"))
    ports = (get(item, "protocol"), get(item, "fromPort"), get(item, "toPort"))
    return IngressRule(where, cidrs, *ports, _any_secret(item, ("protocol", "fromPort", "toPort")))


def _any_secret(props: Mapping[str, Any], paths: Iterable[str]) -> bool:
    return any(is_secret_at(props, path) for path in paths)


def _rules_of(resource: Resource) -> list[IngressRule] | str | None:
    """The ingress rules of the resource, None when unknown, or a reason it is not applicable."""
    props = resource.props
    if resource.type in (SECURITY_GROUP, DEFAULT_SECURITY_GROUP):
        return _inline_rules(props)
    if resource.type == SECURITY_GROUP_RULE:
        direction = get(props, "type")
        if direction is UNKNOWN:
            return None
        if direction != "ingress":
            return "not an ingress rule"
        cidrs = _cidr_values(get(props, "cidrBlocks")) + _cidr_values(get(props, "ipv6CidrBlocks"))
        secret = _any_secret(props, ("protocol", "fromPort", "toPort"))
        ports = (get(props, "protocol"), get(props, "fromPort"), get(props, "toPort"))
        return [IngressRule("rule", cidrs, *ports, secret)]
    cidrs = _cidr_values(get(props, "cidrIpv4")) + _cidr_values(get(props, "cidrIpv6"))
    secret = _any_secret(props, ("ipProtocol", "fromPort", "toPort"))
    ports = (get(props, "ipProtocol"), get(props, "fromPort"), get(props, "toPort"))
    return [IngressRule("rule", cidrs, *ports, secret)]


# A public range this wide is "the internet" for practical purposes: 0.0.0.0/1 + 128.0.0.0/1 is 0.0.0.0/0.
MAX_INTERNET_PREFIX = {4: 8, 6: 16}


def _is_internet(cidr: Any) -> bool | None:
    """True for 0.0.0.0/0, ::/0 and any other public range of /8 (IPv4) or /16 (IPv6) or wider; None when unknown."""
    if is_unknown(cidr) or cidr is SECRET_PRESENT or is_secret(cidr):
        return None
    if not isinstance(cidr, str):
        return False
    return _is_internet_text(cidr)


@functools.lru_cache(maxsize=4096)
def _is_internet_text(cidr: str) -> bool:
    """For a CIDR as text; the same few ranges recur across an organisation's security groups."""
    try:
        network = ipaddress.ip_network(cidr.strip(), strict=False)
    except ValueError:
        return False
    if network.prefixlen == 0:
        return True
    return network.prefixlen <= MAX_INTERNET_PREFIX[network.version] and not network.is_private


def _whole(value: Any) -> int | None:
    """An integer from an int, a whole float or a numeric string; None otherwise (NaN, 2.5, "tcp")."""
    number = as_number(value)
    if number is None or not math.isfinite(number) or number != int(number):
        return None
    return int(number)


def _allowed_ports(ctx: Context) -> frozenset[int]:
    configured = ctx.config.get("internetPorts", DEFAULT_INTERNET_PORTS)
    return frozenset(port for port in map(_whole, as_list(configured)) if port is not None)


def _protocol_name(value: Any) -> str:
    number = _whole(value)
    if number is not None:
        return str(number)
    return value.strip().lower() if isinstance(value, str) else "unset"


def _judge_ports(rule: IngressRule, allowed: frozenset[int]) -> Outcome | None:
    """The outcome for an internet-open rule: None when its ports are all allow-listed."""
    verdict = _judge_open_ports(rule, allowed)
    if verdict is None or not rule.secret:
        return verdict
    return Outcome(verdict.status, f"{rule.where} is open to the internet on a protocol or port range held in a "
                   "secret that is not allow-listed", verdict.urn, {"protocol": REDACTED})


def _judge_open_ports(rule: IngressRule, allowed: frozenset[int]) -> Outcome | None:
    if any(is_unknown(v) for v in (rule.protocol, rule.from_port, rule.to_port)):
        return unknown(f"{rule.where} is open to the internet with a protocol or port not known during preview")
    protocol = _protocol_name(rule.protocol)
    if protocol in ALL_PROTOCOLS:
        return fail(f"{rule.where} allows all protocols and ports from the internet", protocol="-1")
    if protocol in PATH_MTU_ICMP and (_whole(rule.from_port), _whole(rule.to_port)) == PATH_MTU_ICMP[protocol]:
        return None
    if protocol not in PORT_PROTOCOLS:
        return fail(f"{rule.where} allows protocol {protocol!r} from the internet", protocol=protocol)
    low, high = _whole(rule.from_port), _whole(rule.to_port)
    if rule.from_port is MISSING and rule.to_port is MISSING:
        low, high = 0, 65535
    if low is None or high is None:
        return fail(f"{rule.where} allows {protocol} from the internet on a port range that is not a number")
    if low < 0 or high < 0:
        low, high = 0, 65535
    if high < low:
        low, high = high, low
    shown = str(low) if low == high else f"{low}-{high}"
    if low == high == HTTP_PORT and HTTP_PORT not in allowed and protocol in ("tcp", "6"):
        return unknown(
            f"{rule.where} allows tcp port 80 from the internet: consistent with FERPA-TLS-03 only if the port "
            "serves load balancer listeners that redirect to HTTPS, which a single resource does not show",
            **{HTTP_REDIRECT: UNKNOWN_SHOWN},
        )
    if high - low + 1 > len(allowed) or any(port not in allowed for port in range(low, high + 1)):
        return fail(
            f"{rule.where} allows {protocol} port {shown} from the internet; only ports {sorted(allowed)} may",
            protocol=protocol,
            fromPort=low,
            toPort=high,
        )
    return None


def _judge(rule: IngressRule, allowed: frozenset[int]) -> Iterable[Outcome]:
    openness = [_is_internet(cidr) for cidr in rule.cidrs]
    if any(openness):
        verdict = _judge_ports(rule, allowed)
        if verdict is not None:
            yield verdict
    elif any(state is None for state in openness):
        yield unknown(f"{rule.where} has a source CIDR that is not known during preview")


def check(resource: Resource, ctx: Context) -> list[Outcome]:
    rules = _rules_of(resource)
    if rules is None:
        return [unknown("the ingress rules are not known during preview")]
    if isinstance(rules, str):
        return [not_applicable(rules)]
    allowed = _allowed_ports(ctx)
    return [outcome for rule in rules for outcome in _judge(rule, allowed)]




def _redirect_only(graph: Graph, listener: Resource, forwarded: set[str]) -> bool:
    """A port-80 listener whose one default action redirects to HTTPS and that no listener rule forwards from."""
    props = graph.props(listener)
    actions = as_list(get(props, "defaultActions"))
    protocol = get(props, "defaultActions.0.redirect.protocol")
    return (
        len(actions) == 1
        and get(props, "defaultActions.0.type") == "redirect"
        and isinstance(protocol, str)
        and protocol.upper() == "HTTPS"
        and listener.urn not in forwarded
    )


@settled
def resolve_stack(graph: Graph, ctx: Context) -> list[Outcome]:
    """Security groups whose internet port 80 serves only load balancers' HTTP->HTTPS redirect listeners."""
    forwarded = {
        listener.urn
        for rule in graph.of_type(*LISTENER_RULES)
        if any(get(graph.props(rule), f"actions.{i}.type") not in ("redirect", "fixed-response")
               for i in range(len(as_list(get(graph.props(rule), "actions")))))
        for listener in graph.resolve(rule, "listenerArn", LISTENERS).targets
    }
    port_80: dict[str, list[Resource]] = {}
    for listener in graph.of_type(*LISTENERS):
        if _whole(get(graph.props(listener), "port")) == HTTP_PORT:
            for balancer in graph.resolve(listener, "loadBalancerArn", LOAD_BALANCERS).targets:
                port_80.setdefault(balancer.urn, []).append(listener)
    verdicts: dict[str, Outcome] = {}
    for balancer in graph.of_type(*LOAD_BALANCERS):
        for group in graph.resolve(balancer, "securityGroups", (SECURITY_GROUP, DEFAULT_SECURITY_GROUP)).targets:
            listeners = port_80.get(balancer.urn, [])
            bad = [listener.name for listener in listeners if not _redirect_only(graph, listener, forwarded)]
            if bad:
                verdicts[group.urn] = fail(f"tcp port 80 is open to the internet for load balancer {balancer.name}, "
                                           f"whose listener(s) {', '.join(bad)} do not only redirect to HTTPS",
                                           group.urn, property=HTTP_REDIRECT)
            elif listeners and group.urn not in verdicts:
                verdicts[group.urn] = passed(f"tcp port 80 serves only HTTP->HTTPS redirect listeners of load "
                                             f"balancer {balancer.name} (FERPA-TLS-03's redirect allowance)",
                                             group.urn, property=HTTP_REDIRECT)
    outcomes = list(verdicts.values())
    for rule in graph.of_type(SECURITY_GROUP_RULE, INGRESS_RULE):
        for group in graph.resolve(rule, "securityGroupId", (SECURITY_GROUP, DEFAULT_SECURITY_GROUP)).targets:
            if group.urn in verdicts:
                verdict = verdicts[group.urn]
                outcomes.append(Outcome(verdict.status, verdict.message, rule.urn, verdict.evidence))
    return outcomes
