"""Two questions the storage and messaging rules ask of a resource policy (S3 bucket,
SQS queue, SNS topic): does it deny every request made without TLS, and does it grant
anyone at all access?

Statements are named by position only: a Sid may sit inside a secret.
"""

from __future__ import annotations

from collections.abc import Iterable

from policies.attachments import Attached
from policies.checks import best_of
from policies.graph import Graph
from policies.model import Outcome, Resource, fail, passed, unknown
from policies.policy_documents import PolicyRead, PolicyState, Statement, read_policy
from policies.values import MISSING, get

SECURE_TRANSPORT = "aws:securetransport"
BOOL_OPERATORS = frozenset({"Bool", "BoolIfExists"})
DECISIVE_FIELDS = frozenset({"Statement", "Effect", "Principal", "NotPrincipal", "Action", "NotAction", "Condition"})

# Condition keys that, with a fixed value, keep a "*" principal from being public
# (Amazon S3's "meaning of public", which IAM Access Analyzer applies to SQS and SNS too).
RESTRICTING_KEYS = frozenset(
    {
        "aws:sourceip",
        "aws:sourcearn",
        "aws:sourcevpc",
        "aws:sourcevpce",
        "aws:sourceowner",
        "aws:sourceaccount",
        "aws:sourceorgid",
        "aws:principalaccount",
        "aws:principalarn",
        "aws:principalorgid",
        "aws:userid",
        "s3:x-amz-server-side-encryption-aws-kms-key-id",
    }
)
# Operators under which such a key narrows the grant; negated and IfExists forms do not
# (an absent key satisfies IfExists), nor does ForAllValues (an empty set satisfies it).
POSITIVE_OPERATORS = frozenset(
    {"StringEquals", "StringEqualsIgnoreCase", "StringLike", "ArnEquals", "ArnLike", "IpAddress"}
)
OPEN_NETWORKS = frozenset({"0.0.0.0/0", "::/0"})


COMPUTED = "is not known during preview (computed from other resources' outputs)"


def _label(statement: Statement) -> str:
    return f"statement #{statement.index + 1}"


def _positive(operator: str) -> bool:
    return operator.removeprefix("ForAnyValue:") in POSITIVE_OPERATORS


def _fixed(values: Iterable[str]) -> bool:
    found = list(values)
    return bool(found) and all(value.strip() not in ("", "*") and value not in OPEN_NETWORKS for value in found)


def restricts_who(statement: Statement) -> bool:
    """A condition that ties the grant to fixed sources or principals."""
    return any(
        _positive(operator) and name.lower() in RESTRICTING_KEYS and _fixed(values)
        for operator, keys in statement.conditions.items()
        for name, values in keys.items()
    )


def _denies_plaintext(statement: Statement, actions: tuple[str, ...], objects: bool) -> bool:
    """A Deny for everyone, covering `actions` (on every object, with `objects`: a Resource ending in
    `*`), when aws:SecureTransport is false, and under no other condition (another key would narrow it)."""
    keys = [(operator, name.lower()) for operator, names in statement.conditions.items() for name in names]
    only_transport = bool(keys) and all(op in BOOL_OPERATORS and name == SECURE_TRANSPORT for op, name in keys)
    values = statement.condition_values(SECURE_TRANSPORT, BOOL_OPERATORS)
    return (
        statement.is_deny
        and statement.principal_is_wildcard()
        and all(statement.allows_action(action) for action in actions)
        and not statement.not_resources
        and (not objects or any(resource.endswith("*") for resource in statement.resources or ("*",)))
        and only_transport
        and any(value.lower() == "false" for value in values)
    )


def tls_only_verdict(
    read: PolicyRead, where: str, actions: tuple[str, ...], consequence: str, objects: bool = False
) -> Outcome:
    """Whether the policy read from `where` denies `actions` to every caller without TLS."""
    if read.state is PolicyState.UNKNOWN:
        return unknown(f"the policy of {where} {COMPUTED}")
    if read.state is PolicyState.ABSENT:
        return fail(f"{where} has no policy: {consequence}")
    if read.state is PolicyState.INVALID:
        return fail(f"the policy of {where} cannot be read: {read.error}")
    if any(_denies_plaintext(statement, actions, objects) for statement in read.statements):
        return passed(f"{where} denies {', '.join(actions)} when aws:SecureTransport is false")
    if any(DECISIVE_FIELDS & set(statement.unknown_fields) for statement in read.statements):
        return unknown(f"the policy of {where} has statements not known during preview")
    return fail(
        f"the policy of {where} has no Deny for Principal \"*\" on {', '.join(actions)} when "
        f"aws:SecureTransport is false, with no other condition: {consequence}"
    )


def public_grant_outcomes(read: PolicyRead, where: str) -> list[Outcome]:
    """The non-pass outcomes of a policy that may grant access to anyone (absent: none)."""
    if read.state is PolicyState.ABSENT:
        return []
    if read.state is PolicyState.UNKNOWN:
        return [unknown(f"the policy of {where} {COMPUTED}")]
    if read.state is PolicyState.INVALID:
        return [fail(f"the policy of {where} cannot be read: {read.error}")]
    outcomes: list[Outcome] = []
    for statement in read.statements:
        if "Statement" in statement.unknown_fields:
            outcomes.append(unknown(f"the policy of {where} has a statement not known during preview"))
            continue
        if statement.is_deny or restricts_who(statement):
            continue
        pending = set(statement.unknown_fields)
        if statement.condition_unknown:
            pending.add("Condition")
        if pending & {"Effect", "Principal", "NotPrincipal", "Condition"}:
            # An unknown condition value may be the one that fixes the caller.
            outcomes.append(unknown(f"the policy of {where}, {_label(statement)}, is not known during preview"))
            continue
        if statement.is_allow and statement.grants_everyone():
            how = "NotPrincipal (everyone not listed)" if statement.has_not_principal else "Principal \"*\""
            limit = "a Condition that does not fix the caller or source" if statement.has_condition else "no Condition"
            outcomes.append(
                fail(
                    f"the policy of {where}, {_label(statement)}, allows {how} with {limit}: anyone may use it",
                    statement=statement.index + 1,
                )
            )
    return outcomes


def owner_tls_only(graph: Graph, owner: Resource, policies: Attached, actions: tuple[str, ...], kind: str,
                   consequence: str, objects: bool = False) -> Outcome:
    """An owner (bucket, queue, topic) judged with its inline `policy` and the policy resources naming it."""
    verdicts = [
        tls_only_verdict(read_policy(get(graph.props(policy), "policy")), f"{kind} policy {policy.name}", actions,
                         consequence, objects)
        for policy in policies.of(owner)
    ]
    inline = get(graph.props(owner), "policy")
    if inline is not MISSING:
        read = read_policy(inline)
        verdicts.append(tls_only_verdict(read, f"the {kind} (inline policy)", actions, consequence, objects))
    if verdicts:
        return best_of(verdicts)
    if policies.unresolved:
        return unknown(f"no {kind} policy resolves to this {kind}; the {kind} of {policies.pending()} is not known")
    return fail(f"no {kind} policy denies requests without TLS (aws:SecureTransport false): {consequence}")


def not_public(resource: Resource, kind: str) -> list[Outcome]:
    """A resource's own `policy` (inline on the queue or topic, or the policy resource's) grants no one-and-all."""
    where = f"{kind} {resource.name}"
    return public_grant_outcomes(read_policy(get(resource.props, "policy")), where)
