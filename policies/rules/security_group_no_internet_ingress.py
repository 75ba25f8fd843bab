"""Internet ingress in inline security-group rules and in the standalone rule resources."""

import ipaddress
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from policies.model import Outcome, Resource, fail, not_applicable, unknown
from policies.registry import Context
from policies.values import MISSING, SECRET_PRESENT, UNKNOWN, as_list, as_number, get, is_secret, is_unknown

RULE_ID = "FERPA-NET-03"

SECURITY_GROUP = "aws:ec2/securityGroup:SecurityGroup"
SECURITY_GROUP_RULE = "aws:ec2/securityGroupRule:SecurityGroupRule"
INGRESS_RULE = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"
DEFAULT_INTERNET_PORTS = (443,)
ALL_PROTOCOLS = frozenset({"-1", "all"})
PORT_PROTOCOLS = frozenset({"tcp", "udp", "6", "17"})


@dataclass(frozen=True, slots=True)
class IngressRule:
    """One ingress permission, whatever resource shape it came from."""

    where: str
    cidrs: tuple[Any, ...]
    protocol: Any
    from_port: Any
    to_port: Any


def _cidr_values(raw: Any) -> tuple[Any, ...]:
    return (UNKNOWN,) if raw is UNKNOWN else tuple(as_list(raw))


def _inline_rules(props: Mapping[str, Any]) -> list[IngressRule] | None:
    """None when the ingress list itself is not known."""
    ingress = get(props, "ingress")
    if ingress is UNKNOWN:
        return None
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
            )
        )
    return rules


def _rules_of(resource: Resource) -> list[IngressRule] | str | None:
    """The ingress rules of the resource, None when unknown, or a reason it is not applicable."""
    props = resource.props
    if resource.type == SECURITY_GROUP:
        return _inline_rules(props)
    if resource.type == SECURITY_GROUP_RULE:
        direction = get(props, "type")
        if direction is UNKNOWN:
            return None
        if direction != "ingress":
            return "not an ingress rule"
        cidrs = _cidr_values(get(props, "cidrBlocks")) + _cidr_values(get(props, "ipv6CidrBlocks"))
        return [IngressRule("rule", cidrs, get(props, "protocol"), get(props, "fromPort"), get(props, "toPort"))]
    cidrs = _cidr_values(get(props, "cidrIpv4")) + _cidr_values(get(props, "cidrIpv6"))
    return [IngressRule("rule", cidrs, get(props, "ipProtocol"), get(props, "fromPort"), get(props, "toPort"))]


# A public range this wide is "the internet" for practical purposes: 0.0.0.0/1 + 128.0.0.0/1 is 0.0.0.0/0.
MAX_INTERNET_PREFIX = {4: 8, 6: 16}


def _is_internet(cidr: Any) -> bool | None:
    """True for 0.0.0.0/0, ::/0 and any other public range of /8 (IPv4) or /16 (IPv6) or wider; None when unknown."""
    if is_unknown(cidr) or cidr is SECRET_PRESENT or is_secret(cidr):
        return None
    if not isinstance(cidr, str):
        return False
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
    if any(is_unknown(v) for v in (rule.protocol, rule.from_port, rule.to_port)):
        return unknown(f"{rule.where} is open to the internet with a protocol or port not known during preview")
    protocol = _protocol_name(rule.protocol)
    if protocol in ALL_PROTOCOLS:
        return fail(f"{rule.where} allows all protocols and ports from the internet", protocol="-1")
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
