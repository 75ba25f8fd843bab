from collections.abc import Iterable

from policies.checks import require_cmk, shown
from policies.model import Outcome, Resource, fail, unknown
from policies.registry import Context
from policies.tristate import Tri
from policies.values import MISSING, UNKNOWN, as_list, get, is_secret_at

RULE_ID = "FERPA-ENC-25"

SECURE = "SecureString"
DEFAULT_SECRET_WORDS = ("password", "passwd", "passphrase", "secret", "token", "apikey", "privatekey", "credential",
                        "connectionstring", "accesskey")


def _normal(text: str) -> str:
    return "".join(ch for ch in text.lower() if ch.isalnum())


def _words(ctx: Context) -> list[str]:
    configured = ctx.config.get("secretNameWords")
    words = DEFAULT_SECRET_WORDS if configured is None else [w for w in as_list(configured) if isinstance(w, str)]
    return [_normal(w) for w in words if _normal(w)]


def _named_like_a_secret(resource: Resource, words: Iterable[str]) -> Tri:
    """By the parameter's name; without one, Pulumi names it after the resource."""
    name = get(resource.props, "name")
    if name is UNKNOWN:
        return None
    text = resource.name if name is MISSING else name
    if not isinstance(text, str):
        return False
    return any(word in _normal(text) for word in words)


def check(resource: Resource, ctx: Context) -> list[Outcome]:
    props = resource.props
    kind = get(props, "type")
    if kind is UNKNOWN:
        return [unknown("type is not known during preview; a secret parameter must be a SecureString")]
    if kind == SECURE:
        return require_cmk(props, "keyId", "the parameter value (SSM's default key is alias/aws/ssm)")
    # pulumi-aws wraps `value` as a secret for every parameter, so only insecureValue tells.
    secret_value = is_secret_at(props, "insecureValue")
    named = _named_like_a_secret(resource, _words(ctx))
    if not secret_value and named is None:
        return [unknown("name is not known during preview, so whether the parameter holds a secret cannot be told")]
    if not secret_value and not named:
        return []
    why = "its insecureValue is a Pulumi secret" if secret_value else "its name says it holds a secret"
    safe = shown(props, "type", kind) if kind is not MISSING else None
    return [fail(f"{why}, but type is {safe!r}, not SecureString: the value is stored and shown in plain text",
                 type=safe)]
