from policies.backup_selections import selects
from policies.graph import Graph
from policies.model import Outcome, fail, passed, unknown
from policies.registry import Context

RULE_ID = "FERPA-RES-23"

SELECTION = "aws:backup/selection:Selection"
DATA_STORES = (
    "aws:dynamodb/table:Table",
    "aws:efs/fileSystem:FileSystem",
    "aws:rds/cluster:Cluster",
    "aws:rds/instance:Instance",
)


def check_stack(graph: Graph, ctx: Context) -> list[Outcome]:
    selections = graph.of_type(SELECTION)
    outcomes: list[Outcome] = []
    for store in graph.of_type(*DATA_STORES):
        states = [(selection, selects(graph, selection, store, DATA_STORES)) for selection in selections]
        covering = [selection.name for selection, state in states if state]
        pending = [selection.name for selection, state in states if state is None]
        if covering:
            outcomes.append(passed(f"backed up by the AWS Backup selection {', '.join(covering)}", store.urn))
        elif pending:
            outcomes.append(unknown(f"whether the AWS Backup selection {', '.join(pending)} picks this data store "
                                    "is not known during preview", store.urn))
        else:
            outcomes.append(fail("no AWS Backup selection picks this data store (by ARN or tag): its records have "
                                 "no backup plan that is kept apart from the data store itself", store.urn))
    return outcomes
