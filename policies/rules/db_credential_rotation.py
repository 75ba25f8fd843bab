from policies.graph import Graph
from policies.model import Outcome, fail, not_applicable, passed, unknown
from policies.registry import Context
from policies.values import MISSING, get, truth

RULE_ID = "FERPA-IAM-03"

DATABASE_TYPES = ("aws:rds/cluster:Cluster", "aws:rds/instance:Instance")
SECRET_ROTATION = "aws:secretsmanager/secretRotation:SecretRotation"


def check_stack(graph: Graph, ctx: Context) -> list[Outcome]:
    rotations = graph.of_type(SECRET_ROTATION)
    outcomes: list[Outcome] = []
    for database in graph.of_type(*DATABASE_TYPES):
        props = graph.props(database)
        if get(props, "replicateSourceDb") is not MISSING:
            outcomes.append(not_applicable("read replica: it uses its source database's credentials", database.urn))
            continue
        managed = truth(get(props, "manageMasterUserPassword"))
        if managed is None:
            outcomes.append(unknown("manageMasterUserPassword is not known during preview", database.urn))
        elif managed:
            outcomes.append(passed("RDS manages and rotates the master password in Secrets Manager", database.urn))
        elif rotations:
            outcomes.append(
                passed(
                    f"the stack has {len(rotations)} Secrets Manager rotation(s); ferpaguard does not verify that one "
                    "of them rotates this database's credential",
                    database.urn,
                    rotations=[r.urn for r in rotations],
                )
            )
        else:
            outcomes.append(
                fail(
                    "the master password is never rotated: manageMasterUserPassword is not true and the stack has no "
                    "aws:secretsmanager/secretRotation:SecretRotation",
                    database.urn,
                )
            )
    return outcomes
