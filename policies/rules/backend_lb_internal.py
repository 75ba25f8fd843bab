import fnmatch

from policies.checks import require_true
from policies.model import Outcome, Resource, passed
from policies.registry import Context
from policies.values import as_list

RULE_ID = "FERPA-NET-05"


def _allowed_patterns(ctx: Context) -> list[str]:
    return [p for p in as_list(ctx.config.get("internetFacingAllowed")) if isinstance(p, str)]


def check(resource: Resource, ctx: Context) -> list[Outcome]:
    for pattern in _allowed_patterns(ctx):
        if fnmatch.fnmatchcase(resource.name, pattern):
            return [passed(f"may be internet-facing (internetFacingAllowed: {pattern!r})", pattern=pattern)]
    return require_true(
        resource.props, "internal", "internet-facing (AWS's default) exposes the student-records backend"
    )
