"""A DynamoDB setting that the table, each of its inline replicas and each TableReplica
resource carry under their own names."""

from __future__ import annotations

from policies.checks import require_true
from policies.model import Outcome, Resource, unknown
from policies.values import UNKNOWN, as_list, get

TABLE = "aws:dynamodb/table:Table"


def require_everywhere(resource: Resource, table_path: str, replica_path: str, why: str) -> list[Outcome]:
    """`table_path` true on a Table and `replica_path` true on each of its `replicas`; on a
    TableReplica resource, `replica_path` true."""
    props = resource.props
    if resource.type != TABLE:
        return require_true(props, replica_path, why)
    outcomes = require_true(props, table_path, why)
    replicas = get(props, "replicas")
    if replicas is UNKNOWN:
        return [*outcomes, unknown(f"replicas are not known during preview; each needs {replica_path}")]
    for index in range(len(as_list(replicas))):
        outcomes += require_true(props, f"replicas.{index}.{replica_path}", f"(replica #{index + 1}) {why}")
    return outcomes
