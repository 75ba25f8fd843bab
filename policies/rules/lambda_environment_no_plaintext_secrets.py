"""Environment variables whose names say they hold a credential must not hold it as plain text:
the value would sit readable in the program, the state and the function's configuration.
Messages name the variable, never its value."""

import fnmatch
import re
from collections.abc import Mapping
from typing import Any

from policies.compute_checks import config_patterns
from policies.model import Outcome, Resource, fail, unknown
from policies.registry import Context
from policies.values import MISSING, UNKNOWN, get, is_secret, is_secret_at, is_unknown

RULE_ID = "FERPA-IAM-40"

WORDS = re.compile(r"[A-Z]+(?![a-z])|[A-Z]?[a-z]+|[0-9]+")
SECRET_PARTS = ("PASSWORD", "PASSWD", "SECRET", "TOKEN", "CREDENTIAL", "PRIVATEKEY", "APIKEY")
SECRET_WORDS = frozenset({"KEY", "PWD", "PASS", "PIN"})
# A last word that says the variable names where the secret is kept, not the secret itself.
REFERENCE_WORDS = frozenset({"ARN", "NAME", "ID", "PATH", "PARAM", "PARAMETER", "URL", "URI", "FILE", "PREFIX",
                             "REGION", "TYPE", "LENGTH", "TTL", "HEADER", "ALIAS", "FIELD", "VERSION", "ENDPOINT",
                             "HOST", "PORT", "ENABLED", "DAYS", "SECONDS"})
FLAG_VALUES = frozenset({"true", "false"})
REFERENCE_VALUES = ("arn:", "{{resolve:")


def _secret_looking(name: str) -> bool:
    words = [w.upper() for w in WORDS.findall(name)]
    if not words or words[-1] in REFERENCE_WORDS:
        return False
    return any(w in SECRET_WORDS or any(part in w for part in SECRET_PARTS) for w in words) or any(
        part in "".join(words) for part in ("PRIVATEKEY", "APIKEY", "ACCESSKEY")
    )


def _plain_literal(value: Any) -> bool:
    if isinstance(value, bool) or value is None:
        return False
    if isinstance(value, int | float):
        return True
    if not isinstance(value, str) or not value.strip():
        return False
    lowered = value.strip().lower()
    return lowered not in FLAG_VALUES and not lowered.startswith(REFERENCE_VALUES)


def check(resource: Resource, ctx: Context) -> list[Outcome]:
    variables = get(resource.props, "environment.variables")
    if variables is UNKNOWN:
        return [unknown("environment.variables is not known during preview")]
    if variables is MISSING or not isinstance(variables, Mapping):
        return []
    if is_secret_at(resource.props, "environment.variables"):
        return []  # a secret map: every value in it is a secret
    ignored = config_patterns(ctx.config, "ignoredVariables")
    plain: list[str] = []
    pending: list[str] = []
    for name, raw in variables.items():
        if not isinstance(name, str) or not _secret_looking(name):
            continue
        if any(fnmatch.fnmatchcase(name, pattern) for pattern in ignored):
            continue
        if is_secret(raw):
            continue
        if is_unknown(raw):
            pending.append(name)
        elif _plain_literal(raw):
            plain.append(name)
    if plain:
        names = ", ".join(sorted(plain))
        return [fail(f"environment variable(s) {names} hold a plain-text credential; pass it as a Pulumi secret, "
                     "or better, keep it in Secrets Manager and pass the secret's ARN", variables=sorted(plain))]
    if pending:
        names = ", ".join(sorted(pending))
        return [unknown(f"environment variable(s) {names} are not known during preview; whether they hold a "
                        "plain-text credential cannot be told", variables=sorted(pending))]
    return []
