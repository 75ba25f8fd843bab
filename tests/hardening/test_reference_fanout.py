"""A value many resources share must not bind a reference to all of them: findings stay
bounded by the referencing resources, not their product with the sharers."""

from __future__ import annotations

from collections import Counter

import orjson

from ferpaguard.evaluate import evaluate
from ferpaguard.sources.export import load_export, resources_for_resource_rules
from policies.model import Status
from policies.settings import PackSettings
from tests.hardening import tally

SHARERS = 3000
PREFIX = "urn:pulumi:dev::fanout::"
LB = "aws:lb/loadBalancer:LoadBalancer"
LINK = "aws:apigateway/vpcLink:VpcLink"
SHARED = "shared-value"


def export(*, declare_dependencies: bool, internal_index: int | None = None) -> bytes:
    resources = [{"urn": f"{PREFIX}pulumi:pulumi:Stack::fanout-dev", "type": "pulumi:pulumi:Stack", "custom": False}]
    for index in range(SHARERS):
        lb_urn = f"{PREFIX}{LB}::lb{index}"
        lb_outputs = {"id": SHARED, "arn": SHARED, "name": SHARED, "loadBalancerType": "network",
                      "internal": index == internal_index}
        resources.append({"urn": lb_urn, "type": LB, "custom": True, "id": SHARED, "inputs": {}, "outputs": lb_outputs})
        link = {"urn": f"{PREFIX}{LINK}::link{index}", "type": LINK, "custom": True, "id": f"vl-{index}",
                "inputs": {"targetArn": SHARED}, "outputs": {"targetArn": SHARED, "name": f"link{index}"}}
        if declare_dependencies:
            link["propertyDependencies"] = {"targetArn": [lb_urn]}
            link["dependencies"] = [lb_urn]
        resources.append(link)
    return orjson.dumps({"version": 3, "deployment": {"resources": resources}})


def link_outcomes(raw: bytes) -> list[tuple[str, Status, str]]:
    loaded = load_export("-", raw)
    findings = evaluate(resources_for_resource_rules(loaded), PackSettings(), stack=loaded.stack,
                        use_outputs=True).findings
    return [(f.urn, f.status, f.message) for f in findings if f.rule_id == "FERPA-LINK-02"]


def link_findings(raw: bytes) -> Counter[tuple[str, Status]]:
    return Counter((urn, status) for urn, status, _ in link_outcomes(raw))


def test_a_shared_value_without_dependencies_is_unknown_once_per_reference() -> None:
    with tally.timed("reference fan-out"):
        found = link_findings(export(declare_dependencies=False))
    tally.count("reference fan-out", SHARERS)
    assert sum(found.values()) == SHARERS
    assert {status for _, status in found} == {Status.UNKNOWN}
    assert all(count == 1 for count in found.values())


def test_a_shared_value_is_unknown_naming_the_ambiguity_even_when_one_sharer_would_pass() -> None:
    with tally.timed("reference fan-out"):
        found = link_outcomes(export(declare_dependencies=False, internal_index=7))
    tally.count("reference fan-out", SHARERS)
    assert len(found) == SHARERS
    assert {status for _, status, _ in found} == {Status.UNKNOWN}
    for urn, _, message in found:
        name = urn.rsplit("::", 1)[1]
        assert f"{name} targetArn: 1 value(s) match more than one resource (" in message and LB in message


def test_property_dependencies_bind_each_reference_to_its_own_target() -> None:
    with tally.timed("reference fan-out"):
        found = link_findings(export(declare_dependencies=True, internal_index=7))
    tally.count("reference fan-out", SHARERS)
    assert sum(found.values()) == SHARERS
    assert found[(f"{PREFIX}{LINK}::link7", Status.PASS)] == 1
    assert Counter(status for _, status in found.elements()) == {Status.FAIL: SHARERS - 1, Status.PASS: 1}


def test_provider_scope_picks_the_one_candidate_of_the_same_provider() -> None:
    from policies.graph import Graph
    from policies.model import Resource

    def lb(name: str, provider: str) -> Resource:
        return Resource(urn=f"{PREFIX}{LB}::{name}", type=LB, name=name, props={}, outputs={"arn": SHARED},
                        provider=provider)

    east, west = lb("east", "p-east"), lb("west", "p-west")
    link = Resource(urn=f"{PREFIX}{LINK}::l", type=LINK, name="l", props={}, outputs={"targetArn": SHARED},
                    provider="p-west")
    graph = Graph([east, west, link], use_outputs=True)
    assert graph.resolve(link, "targetArn", (LB,)).targets == (west,)
    unscoped = Resource(urn=f"{PREFIX}{LINK}::u", type=LINK, name="u", props={}, outputs={"targetArn": SHARED})
    found = Graph([east, west, unscoped], use_outputs=True).resolve(unscoped, "targetArn", (LB,))
    assert found.targets == () and found.unresolved and "more than one resource" in found.note

