import re

from policies.model import Outcome, Resource, fail, unknown
from policies.policy_documents import PolicyState, Statement, read_policy_at
from policies.registry import Context
from policies.values import is_secret_at

RULE_ID = "FERPA-ENC-10"

KEY_POLICY = "aws:kms/keyPolicy:KeyPolicy"
GRANT_FIELDS = frozenset({"Effect", "Principal", "NotPrincipal"})
# Condition keys that limit who the caller is. Others (aws:SecureTransport, kms:ViaService on its own)
# leave a wildcard grant open to every AWS account.
CALLER_KEYS = frozenset(
    {"kms:calleraccount", "aws:principalaccount", "aws:principalorgid", "aws:sourceaccount", "aws:principalarn",
     "aws:sourcearn", "aws:sourceowner"}
)
# Only a positive test restricts: a negated operator (StringNotEquals, ArnNotLike), `Null` and any
# `...IfExists` (true when the key is absent) let callers through that the values do not name. With the
# set prefixes, ForAnyValue: is false when the key is absent (it restricts), ForAllValues: true (it does not).
_POSITIVE = ("stringequals", "stringequalsignorecase", "stringlike", "arnequals", "arnlike")
RESTRICTING_OPERATORS = frozenset(_POSITIVE) | frozenset(f"foranyvalue:{op}" for op in _POSITIVE)
ARN_KEYS = frozenset({"aws:principalarn", "aws:sourcearn"})
_ACCOUNT = re.compile(r"[0-9]{12}")


def _names_one_account(key: str, value: str) -> bool:
    """A value that cannot match callers of every account: no wildcard, or (for an ARN key) an ARN whose
    account field is a literal account id, as in arn:aws:iam::111122223333:role/*."""
    if "*" not in value and "?" not in value:
        return True
    if key not in ARN_KEYS:
        return False
    parts = value.split(":", 5)
    return len(parts) == 6 and parts[0] == "arn" and _ACCOUNT.fullmatch(parts[4]) is not None


def _restricts_caller(statement: Statement) -> bool:
    """A positive condition on the caller's identity whose values each name one account (values unknown in
    preview count: a computed account id or ARN names one)."""
    for operator, keys in statement.conditions.items():
        if operator.lower() not in RESTRICTING_OPERATORS:
            continue
        for name, values in keys.items():
            key = name.lower()
            if key in CALLER_KEYS and all(_names_one_account(key, value) for value in values):
                return True
    return False


def _wildcard_grant(statement: Statement) -> str | None:
    """How this Allow statement reaches everyone, or None."""
    if statement.principal_is_wildcard():
        return "a wildcard Principal"
    if statement.has_not_principal:
        return "NotPrincipal (everyone not listed)"
    return None


def _judge(statement: Statement) -> Outcome | None:
    """The outcome for one statement; a secret's statements are named only by position."""
    label = statement.label
    if "Statement" in statement.unknown_fields:
        return unknown("policy Statement is not known during preview")
    if statement.is_deny:
        return None
    if statement.condition_unknown:
        return unknown(f"policy {label}: Condition is not known during preview")
    if statement.is_allow and not _restricts_caller(statement):
        reason = _wildcard_grant(statement)
        if reason:
            limit = "a Condition that does not restrict the caller" if statement.has_condition else "no Condition"
            return fail(
                f"policy {label} allows {reason} with {limit}: any AWS account may use the key",
                statement=statement.reference,
                actions=[] if statement.secret else list(statement.actions),
            )
    pending = GRANT_FIELDS & set(statement.unknown_fields)
    if pending and not _restricts_caller(statement):
        return unknown(f"policy {label}: {', '.join(sorted(pending))} not known during preview")
    return None


def check(resource: Resource, ctx: Context) -> list[Outcome]:
    props = resource.props
    policy = read_policy_at(props, "policy")
    if policy.state is PolicyState.ABSENT:
        if resource.type == KEY_POLICY:
            return [fail("policy is not set on the key policy resource")]
        return []  # AWS's default key policy grants the key only to the owning account.
    if policy.state is PolicyState.UNKNOWN:
        return [unknown("policy is not known during preview; cannot check it for wildcard principals")]
    if policy.state is PolicyState.INVALID:
        secret = is_secret_at(props, "policy")
        return [fail(f"policy{' (secret)' if secret else ''} cannot be read: {policy.error}")]
    return [outcome for statement in policy.statements if (outcome := _judge(statement))]
