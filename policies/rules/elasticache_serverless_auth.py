from policies.cache_checks import user_groups_present
from policies.model import Outcome, Resource, fail, not_applicable, unknown
from policies.registry import Context
from policies.values import UNKNOWN, get

RULE_ID = "FERPA-TLS-63"
WITHOUT_AUTH = "memcached"  # Serverless Memcached has no user groups to attach.


def check(resource: Resource, ctx: Context) -> list[Outcome]:
    props = resource.props
    engine = get(props, "engine")
    if engine is UNKNOWN:
        return [unknown("engine is not known during preview; Redis and Valkey caches need userGroupId")]
    if isinstance(engine, str) and engine.strip().lower() == WITHOUT_AUTH:
        return [not_applicable("serverless Memcached has no user groups: it cannot require authentication")]
    groups = user_groups_present(props, "userGroupId")
    if groups is None:
        return [unknown("userGroupId is not known during preview; it must name a user group")]
    if not groups:
        return [fail("userGroupId is not set: the default user connects without a password, so any client that "
                     "reaches the cache can read it")]
    return []
