from collections import defaultdict

from policies.checks import best_of
from policies.graph import Graph
from policies.model import Outcome, Resource, fail, passed, unknown
from policies.policy_documents import PolicyRead, PolicyState, Statement, read_policy
from policies.registry import Context
from policies.values import get

RULE_ID = "FERPA-TLS-08"

FILE_SYSTEM = "aws:efs/fileSystem:FileSystem"
FILE_SYSTEM_POLICY = "aws:efs/fileSystemPolicy:FileSystemPolicy"
SECURE_TRANSPORT = "aws:SecureTransport"
BOOL_OPERATORS = ("Bool", "BoolIfExists")
CLIENT_ACTION = "elasticfilesystem:ClientMount"
DECISIVE_FIELDS = frozenset({"Statement", "Effect", "Principal", "Action", "NotAction", "Condition"})


def _only_secure_transport(statement: Statement) -> bool:
    """The Condition tests aws:SecureTransport and nothing else: any further key (aws:SourceIp, ...)
    narrows the Deny, so plaintext clients outside it are not denied."""
    keys = [(operator, name) for operator, names in statement.conditions.items() for name in names]
    return bool(keys) and all(
        operator in BOOL_OPERATORS and name.lower() == SECURE_TRANSPORT.lower() for operator, name in keys
    )


def _denies_plaintext(statement: Statement) -> bool:
    """A Deny for everyone, covering client mounts, when aws:SecureTransport is false, with no other condition."""
    values = statement.condition_values(SECURE_TRANSPORT, BOOL_OPERATORS)
    return (
        statement.is_deny
        and statement.principal_is_wildcard()
        and statement.allows_action(CLIENT_ACTION)
        and any(value.lower() == "false" for value in values)
        and _only_secure_transport(statement)
    )


def _judge_policy(policy: Resource, read: PolicyRead) -> Outcome:
    if read.state is PolicyState.UNKNOWN:
        return unknown(f"policy of {policy.name} is not known during preview (computed from other resources' "
                       "outputs); its statements cannot be read until they are known")
    if read.state is PolicyState.ABSENT:
        return fail(f"{policy.name} has no policy document")
    if read.state is PolicyState.INVALID:
        return fail(f"policy of {policy.name} cannot be read: {read.error}")
    if any(_denies_plaintext(statement) for statement in read.statements):
        return passed(f"{policy.name} denies access when aws:SecureTransport is false", policy=policy.urn)
    if any(DECISIVE_FIELDS & set(statement.unknown_fields) for statement in read.statements):
        return unknown(f"policy of {policy.name} has statements not known during preview")
    return fail(
        f"policy of {policy.name} has no Deny for Principal \"*\" on client access when aws:SecureTransport "
        "is false, with no other condition narrowing it: clients may mount without TLS"
    )


def _policies_by_file_system(graph: Graph) -> tuple[dict[str, list[Resource]], list[Resource]]:
    by_file_system: dict[str, list[Resource]] = defaultdict(list)
    unresolved: list[Resource] = []
    for policy in graph.of_type(FILE_SYSTEM_POLICY):
        found = graph.resolve(policy, "fileSystemId", (FILE_SYSTEM,))
        for file_system in found.targets:
            by_file_system[file_system.urn].append(policy)
        if not found.targets:
            unresolved.append(policy)
    return by_file_system, unresolved


def _judge(graph: Graph, file_system: Resource, policies: list[Resource], unresolved: list[Resource]) -> Outcome:
    if not policies:
        if unresolved:
            names = ", ".join(p.name for p in unresolved)
            return unknown(f"no file system policy resolves to this file system; fileSystemId of {names} is unknown")
        return fail("no FileSystemPolicy is attached: NFS clients may mount the file system without TLS")
    return best_of([_judge_policy(policy, read_policy(get(graph.props(policy), "policy"))) for policy in policies])


def check_stack(graph: Graph, ctx: Context) -> list[Outcome]:
    by_file_system, unresolved = _policies_by_file_system(graph)
    outcomes: list[Outcome] = []
    for file_system in graph.of_type(FILE_SYSTEM):
        verdict = _judge(graph, file_system, by_file_system.get(file_system.urn, []), unresolved)
        outcomes.append(Outcome(verdict.status, verdict.message, file_system.urn, verdict.evidence))
    return outcomes
