"""Type tokens several rules share, with the legacy tokens still found in old state
(`aws:elasticloadbalancingv2/*`, `aws:applicationloadbalancing/*`) judged like the modern ones."""

from __future__ import annotations


def _elb(kind: str) -> tuple[str, ...]:
    return tuple(f"aws:{module}/{kind}" for module in ("lb", "alb", "elasticloadbalancingv2",
                                                        "applicationloadbalancing"))


LOAD_BALANCERS = _elb("loadBalancer:LoadBalancer")
LISTENERS = _elb("listener:Listener")
LISTENER_RULES = _elb("listenerRule:ListenerRule")
