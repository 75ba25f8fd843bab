from policies.model import Outcome, Resource, fail, unknown
from policies.policy_documents import PolicyState, Statement, read_policy
from policies.registry import Context
from policies.values import get, is_secret_at

RULE_ID = "FERPA-ENC-10"

KEY_POLICY = "aws:kms/keyPolicy:KeyPolicy"
GRANT_FIELDS = frozenset({"Effect", "Principal", "NotPrincipal"})
# Condition keys that limit who the caller is. Others (aws:SecureTransport, kms:ViaService on its own)
# leave a wildcard grant open to every AWS account.
CALLER_KEYS = frozenset(
    {"kms:calleraccount", "aws:principalaccount", "aws:principalorgid", "aws:sourceaccount", "aws:principalarn"}
)


def _restricts_caller(statement: Statement) -> bool:
    """A condition on the caller's identity without wildcard values (values unknown in preview count)."""
    for keys in statement.conditions.values():
        for name, values in keys.items():
            if name.lower() in CALLER_KEYS and not any("*" in value for value in values):
                return True
    return False


def _wildcard_grant(statement: Statement) -> str | None:
    """How this Allow statement reaches everyone, or None."""
    if statement.principal_is_wildcard():
        return "a wildcard Principal"
    if statement.has_not_principal:
        return "NotPrincipal (everyone not listed)"
    return None


def _judge(statement: Statement, secret: bool) -> Outcome | None:
    """The outcome for one statement; a secret policy's statements are named only by position."""
    label = f"statement #{statement.index + 1}" if secret else statement.label
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
                statement=statement.index + 1 if secret else statement.sid or statement.index + 1,
                actions=[] if secret else list(statement.actions),
            )
    pending = GRANT_FIELDS & set(statement.unknown_fields)
    if pending and not _restricts_caller(statement):
        return unknown(f"policy {label}: {', '.join(sorted(pending))} not known during preview")
    return None


def check(resource: Resource, ctx: Context) -> list[Outcome]:
    props = resource.props
    policy = read_policy(get(props, "policy"))
    if policy.state is PolicyState.ABSENT:
        if resource.type == KEY_POLICY:
            return [fail("policy is not set on the key policy resource")]
        return []  # AWS's default key policy grants the key only to the owning account.
    if policy.state is PolicyState.UNKNOWN:
        return [unknown("policy is not known during preview; cannot check it for wildcard principals")]
    secret = is_secret_at(props, "policy")
    if policy.state is PolicyState.INVALID:
        return [fail(f"policy{' (secret)' if secret else ''} cannot be read: {policy.error}")]
    return [outcome for statement in policy.statements if (outcome := _judge(statement, secret))]
