from policies.checks import require_true
from policies.model import Outcome, Resource, unknown
from policies.registry import Context
from policies.values import get, truth

RULE_ID = "FERPA-ENC-41"


def check(resource: Resource, ctx: Context) -> list[Outcome]:
    caching = truth(get(resource.props, "settings.cachingEnabled"))
    if caching is None:
        return [unknown("settings.cachingEnabled is not known during preview")]
    if not caching:
        return []
    return require_true(
        resource.props, "settings.cacheDataEncrypted",
        "caching is on, and cached responses (student records) would be stored unencrypted",
    )
