"""The parameter-group building block the RDS, Aurora, Redshift and DocumentDB TLS rules share."""

import pytest

from policies.parameter_groups import NEVER, ParameterSetting, default_is_on, group_sets, major_version, normalised
from policies.values import MISSING
from tests.rules.helpers import UNKNOWN, secret

FORCE_SSL = ParameterSetting("rds.force_ssl", frozenset({"1"}), "rds.force_ssl=1", "off", default_on_since=15)
TRANSPORT = ParameterSetting("require_secure_transport", frozenset({"1", "on"}), "x", "off", NEVER)
ALWAYS = ParameterSetting("tls", frozenset({"enabled"}), "tls=enabled", "on", default_on_since=0)


@pytest.mark.parametrize(
    ("value", "expected"),
    [(1, "1"), (1.0, "1"), (" 1 ", "1"), ("1.0", "1"), (True, "true"), (" ON ", "on"), (1.5, "1.5"), ("nan", "nan")],
)
def test_values_are_compared_as_aws_compares_them(value, expected):
    assert normalised(value) == expected


@pytest.mark.parametrize(
    ("text", "major"),
    [("15.4", 15), ("16", 16), ("postgres15", 15), ("aurora-postgresql16", 16), ("docdb5.0", 5), ("latest", None)],
)
def test_major_version_from_engine_versions_and_families(text, major):
    assert major_version(text) == major


def test_absent_version_is_not_taken_for_a_recent_one():
    assert major_version(MISSING) is None
    assert default_is_on(FORCE_SSL, MISSING) is None
    assert default_is_on(FORCE_SSL, "14.12") is False
    assert default_is_on(FORCE_SSL, "15.1") is True
    assert default_is_on(TRANSPORT, "8.0.39") is False
    assert default_is_on(ALWAYS, MISSING) is True


def group(*parameters, family="postgres16"):
    return {"family": family, "parameters": [{"name": n, "value": v} for n, v in parameters]}


def test_a_silent_group_inherits_its_familys_default():
    assert group_sets(group(("max_connections", "100")), FORCE_SSL) is True
    assert group_sets(group(("max_connections", "100"), family="postgres14"), FORCE_SSL) is False
    assert group_sets(group(("max_connections", "100"), family="mysql8.0"), TRANSPORT) is False


def test_a_stated_value_overrides_the_default_and_names_match_case_insensitively():
    assert group_sets(group(("RDS.Force_SSL", "0")), FORCE_SSL) is False
    assert group_sets(group(("require_secure_transport", "On"), family="mysql8.0"), TRANSPORT) is True


def test_unknown_names_or_values_are_unknown_not_default():
    assert group_sets(group((UNKNOWN, "1")), FORCE_SSL) is None
    assert group_sets(group(("rds.force_ssl", UNKNOWN)), FORCE_SSL) is None
    assert group_sets({"family": "postgres16", "parameters": UNKNOWN}, FORCE_SSL) is None


def test_a_secret_value_is_read():
    assert group_sets(group(("rds.force_ssl", secret("0"))), FORCE_SSL) is False
