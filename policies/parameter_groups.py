"""Database parameter groups as stack rules read them: which group a database uses, what
one parameter is set to, and what the engine's default is when the stack does not set it.

Each engine's transport-encryption parameter is data (`ParameterSetting`); the stack
rules for RDS, Aurora, Redshift and DocumentDB differ only in their tables."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from policies.checks import shown
from policies.graph import Graph
from policies.model import Outcome, Resource, fail, passed, unknown
from policies.values import MISSING, UNKNOWN, as_list, as_number, get

NEVER: int | None = None
"""`default_on_since` of a parameter whose engine default is off in every version."""
_MAJOR = re.compile(r"(\d+)")


@dataclass(frozen=True, slots=True)
class ParameterSetting:
    """The parameter that makes an engine refuse unencrypted connections."""

    parameter: str
    on_values: frozenset[str]
    """Accepted values, lower-case; numbers are compared as their integer text ("1")."""
    label: str
    """How messages name the required setting, e.g. "rds.force_ssl=1"."""
    absent_group: str
    """Why a database without a parameter group of its own is not known to require TLS."""
    default_on_since: int | None = NEVER
    """The first major engine version whose default value is on (0: every version)."""


@dataclass(frozen=True, slots=True)
class GroupLink:
    """Where a database names its parameter group, and the group's resource type."""

    path: str
    group_type: str


def normalised(value: Any) -> str:
    """A parameter value as AWS compares it: booleans and numbers as text, strings trimmed and lower-case."""
    if isinstance(value, bool):
        return "true" if value else "false"
    number = as_number(value)
    if number is not None and number.is_integer():
        return str(int(number))
    return str(value).strip().lower()


def parameter_value(props: Mapping[str, Any], name: str) -> Any:
    """The value a parameter group sets for `name`: a value, MISSING, or UNKNOWN while not known."""
    parameters = get(props, "parameters")
    if parameters is UNKNOWN:
        return UNKNOWN
    pending = False
    for index in range(len(as_list(parameters))):
        entry_name = get(props, f"parameters.{index}.name")
        if entry_name is UNKNOWN:
            pending = True
        elif isinstance(entry_name, str) and entry_name.strip().lower() == name:
            return get(props, f"parameters.{index}.value")
    return UNKNOWN if pending else MISSING


def major_version(value: Any) -> int | None:
    """The major version in an engine version ("15.4") or a group family ("postgres15"); None when absent."""
    if not isinstance(value, str):
        return None
    found = _MAJOR.search(value)
    return int(found.group(1)) if found else None


def default_is_on(setting: ParameterSetting, version: Any) -> bool | None:
    """Whether the engine default turns the setting on for `version`; None when that depends on an unknown version."""
    if setting.default_on_since is None:
        return False
    if setting.default_on_since == 0:
        return True
    major = major_version(version)
    return None if major is None else major >= setting.default_on_since


def group_sets(props: Mapping[str, Any], setting: ParameterSetting) -> bool | None:
    """Whether a parameter group turns the setting on (its family's default where it is silent); None when unknown."""
    value = parameter_value(props, setting.parameter)
    if value is UNKNOWN:
        return None
    if value is MISSING:
        return default_is_on(setting, get(props, "family"))
    return normalised(value) in setting.on_values


def judge(graph: Graph, database: Resource, link: GroupLink, setting: ParameterSetting) -> Outcome:
    """The verdict on one database: its parameter group(s) of the stack must turn `setting` on."""
    props = graph.props(database)
    group_name = get(props, link.path)
    if group_name is MISSING:
        return _default_group(props, database, link, setting)
    found = graph.resolve(database, link.path, (link.group_type,))
    if not found.targets:
        if group_name is UNKNOWN:
            return unknown(f"{link.path} is not known and no parameter group of this stack feeds it", database.urn)
        safe = shown(props, link.path, group_name)
        return unknown(f"parameter group {safe!r} is not in this stack; cannot verify {setting.label}", database.urn)
    verdicts = {group.name: group_sets(graph.props(group), setting) for group in found.targets}
    missing = sorted(name for name, verdict in verdicts.items() if verdict is False)
    if missing:
        return fail(
            f"parameter group {', '.join(missing)} does not set {setting.label}: clients may connect without TLS",
            database.urn,
            parameterGroups=missing,
        )
    if any(verdict is None for verdict in verdicts.values()):
        return unknown(f"the parameter group's {setting.parameter} value is not known during preview", database.urn)
    groups = sorted(verdicts)
    return passed(f"parameter group {', '.join(groups)} sets {setting.label}", database.urn, parameterGroups=groups)


def _default_group(props: Mapping[str, Any], database: Resource, link: GroupLink, setting: ParameterSetting) -> Outcome:
    version = get(props, "engineVersion")
    on = None if version is UNKNOWN else default_is_on(setting, version)
    if on:
        which = "" if setting.default_on_since == 0 else " of this engine version"
        return passed(f"{link.path} is not set: the default parameter group{which} sets {setting.label}", database.urn)
    if on is None and version is UNKNOWN:
        return unknown(f"{link.path} is not set and engineVersion is not known during preview: the default "
                       f"parameter group's {setting.parameter} depends on the engine version", database.urn)
    return fail(f"{link.path} is not set: {setting.absent_group}; connections may be plaintext", database.urn)


def judge_engines(
    graph: Graph, database_type: str, link: GroupLink, settings: Mapping[str, ParameterSetting]
) -> list[Outcome]:
    """One verdict per database of `database_type` whose engine is in `settings` (engine -> its setting)."""
    outcomes: list[Outcome] = []
    for database in graph.of_type(database_type):
        engine = get(graph.props(database), "engine")
        if engine is UNKNOWN:
            message = "engine is not known during preview; cannot tell which TLS parameter applies"
            outcomes.append(unknown(message, database.urn))
            continue
        setting = settings.get(engine.strip().lower()) if isinstance(engine, str) else None
        if setting is not None:
            outcomes.append(judge(graph, database, link, setting))
    return outcomes
