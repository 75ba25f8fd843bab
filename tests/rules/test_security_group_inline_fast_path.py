"""FERPA-NET-03 reads plain inline ingress items directly; that must be exactly what the dotted paths read."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from policies.rules.security_group_no_internet_ingress import _inline_rules, _inline_rules_by_path
from policies.values import SECRET_SIG, SIG_KEY, UNKNOWN_STRING, get


def _secret(value: object) -> dict:
    return {SIG_KEY: SECRET_SIG, "value": value}


scalars = st.sampled_from(
    [0, 22, 80, 443, 65535, -1, "-1", "tcp", "udp", "icmp", "all", "6", "0.0.0.0/0", "10.0.0.0/8", "::/0", None,
     UNKNOWN_STRING, 2.5, True, ""]
)
fields = st.one_of(
    scalars, scalars.map(_secret), st.lists(scalars, max_size=3), st.lists(scalars, max_size=2).map(_secret)
)
items = st.dictionaries(
    st.sampled_from(["protocol", "fromPort", "toPort", "cidrBlocks", "ipv6CidrBlocks", "description"]), fields
)


@settings(max_examples=400, deadline=None)
@given(st.lists(items, max_size=4))
def test_plain_items_give_what_the_dotted_paths_give(ingress: list[dict]) -> None:
    props = {"ingress": ingress, "name": "sg"}
    assert _inline_rules(props) == _inline_rules_by_path(props, get(props, "ingress"))


@settings(max_examples=200, deadline=None)
@given(st.lists(items, min_size=1, max_size=3))
def test_secret_lists_and_items_take_the_dotted_paths(ingress: list[dict]) -> None:
    wrapped_list = {"ingress": _secret(ingress)}
    wrapped_item = {"ingress": [_secret(ingress[0]), *ingress[1:]]}
    for props in (wrapped_list, wrapped_item):
        assert _inline_rules(props) == _inline_rules_by_path(props, get(props, "ingress"))
        assert all(rule.secret for rule in (_inline_rules(props) or [])[: 1 if props is wrapped_item else None])
