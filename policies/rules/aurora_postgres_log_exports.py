from policies.model import Outcome, Resource, fail, not_applicable, unknown
from policies.registry import Context
from policies.values import MISSING, REDACTED, UNKNOWN, as_list, get, is_secret, is_secret_at, read

RULE_ID = "FERPA-LOG-06"

AURORA_POSTGRES = "aurora-postgresql"


def check(resource: Resource, ctx: Context) -> list[Outcome]:
    engine = get(resource.props, "engine")
    if engine is UNKNOWN:
        return [unknown("engine is not known during preview")]
    if engine != AURORA_POSTGRES:
        named = REDACTED if is_secret_at(resource.props, "engine") else engine
        return [not_applicable(f"engine is {named if isinstance(named, str) else 'not set'}, not {AURORA_POSTGRES}")]
    exports = get(resource.props, "enabledCloudwatchLogsExports")
    if exports is UNKNOWN:
        return [unknown("enabledCloudwatchLogsExports is not known during preview")]
    items = [read(item) for item in as_list(exports)]
    if "postgresql" in items:
        return []
    if any(item is UNKNOWN for item in items):
        return [unknown("enabledCloudwatchLogsExports contains values not known during preview")]
    if exports is MISSING:
        shown = "absent"
    elif is_secret_at(resource.props, "enabledCloudwatchLogsExports"):
        shown = REDACTED
    elif any(is_secret(item) for item in as_list(exports)):
        shown = "a list holding secrets"
    else:
        shown = repr([i for i in items if isinstance(i, str)])
    return [fail(f"enabledCloudwatchLogsExports is {shown}; it must include \"postgresql\" to log database activity")]
