from collections.abc import Mapping
from typing import Any

from policies.checks import shown
from policies.graph import Graph
from policies.model import Outcome, Resource, fail, passed, unknown
from policies.registry import Context
from policies.values import MISSING, UNKNOWN, as_list, as_number, get

RULE_ID = "FERPA-TLS-04"

CLUSTER = "aws:rds/cluster:Cluster"
PARAMETER_GROUP = "aws:rds/clusterParameterGroup:ClusterParameterGroup"
ENGINE = "aurora-postgresql"
PARAMETER = "rds.force_ssl"


def _force_ssl(props: Mapping[str, Any]) -> bool | None:
    """Whether the parameter group sets rds.force_ssl to 1; None when not known yet."""
    parameters = get(props, "parameters")
    if parameters is UNKNOWN:
        return None
    pending = False
    for index in range(len(as_list(parameters))):
        name = get(props, f"parameters.{index}.name")
        value = get(props, f"parameters.{index}.value")
        if name is UNKNOWN:
            pending = True
        elif isinstance(name, str) and name.strip().lower() == PARAMETER:
            if value is UNKNOWN:
                return None
            return as_number(value) == 1
    return None if pending else False


def _judge(graph: Graph, cluster: Resource) -> Outcome | None:
    props = graph.props(cluster)
    engine = get(props, "engine")
    if engine is UNKNOWN:
        return unknown("engine is not known during preview; cannot tell whether rds.force_ssl applies", cluster.urn)
    if not isinstance(engine, str) or engine.strip().lower() != ENGINE:
        return None
    group_name = get(props, "dbClusterParameterGroupName")
    if group_name is MISSING:
        return fail(
            "dbClusterParameterGroupName is not set: the default cluster parameter group applies, and the stack "
            "does not state rds.force_ssl=1 (the default depends on the engine version); connections may be plaintext",
            cluster.urn,
        )
    found = graph.resolve(cluster, "dbClusterParameterGroupName", (PARAMETER_GROUP,))
    if not found.targets:
        if group_name is UNKNOWN:
            message = "dbClusterParameterGroupName is not known and no parameter group of this stack feeds it"
            return unknown(message, cluster.urn)
        safe = shown(props, "dbClusterParameterGroupName", group_name)
        return unknown(f"parameter group {safe!r} is not in this stack; cannot verify rds.force_ssl=1", cluster.urn)
    verdicts = {group.name: _force_ssl(graph.props(group)) for group in found.targets}
    missing = sorted(name for name, verdict in verdicts.items() if verdict is False)
    if missing:
        return fail(
            f"parameter group {', '.join(missing)} does not set rds.force_ssl=1: clients may connect without TLS",
            cluster.urn,
            parameterGroups=missing,
        )
    if any(verdict is None for verdict in verdicts.values()):
        return unknown("the parameter group's rds.force_ssl value is not known during preview", cluster.urn)
    groups = sorted(verdicts)
    return passed(f"parameter group {', '.join(groups)} sets rds.force_ssl=1", cluster.urn, parameterGroups=groups)


def check_stack(graph: Graph, ctx: Context) -> list[Outcome]:
    return [outcome for cluster in graph.of_type(CLUSTER) if (outcome := _judge(graph, cluster))]
