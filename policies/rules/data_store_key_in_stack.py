from dataclasses import replace

from policies import catalogue
from policies.catalogue import KeyPath
from policies.checks import is_aws_managed_key, shown
from policies.graph import Graph
from policies.model import Outcome, Resource, fail, passed, unknown
from policies.registry import Context
from policies.rules.rds_storage_encrypted_cmk import source_of
from policies.values import MISSING, SECRET_PRESENT, UNKNOWN, get, truth

RULE_ID = "FERPA-ENC-11"

KEY_TYPES = ("aws:kms/key:Key", "aws:kms/replicaKey:ReplicaKey", "aws:kms/alias:Alias")
STORAGE_KEY = "kmsKeyId"


def _key_paths(graph: Graph, store: Resource, key_paths: tuple[KeyPath, ...]) -> list[str]:
    props = graph.props(store)
    return [k.path for k in key_paths if k.when is None or truth(get(props, k.when))]


def _judge(graph: Graph, store: Resource, key_path: str, depth: int = 0) -> Outcome:
    props = graph.props(store)
    value = get(props, key_path)
    if value is MISSING and key_path == STORAGE_KEY and depth < 8:
        inherited = _judge_source(graph, store, depth)
        if inherited is not None:
            return inherited
    if value is not UNKNOWN and value is not MISSING and not isinstance(value, str):
        if value is SECRET_PRESENT:
            return unknown(f"{key_path} is a secret that cannot be read; cannot tell which key it names", store.urn)
        return fail(f"{key_path} is not a KMS key ARN: {shown(props, key_path, value)!r}", store.urn)
    found = graph.resolve(store, key_path, KEY_TYPES)
    if found.targets:
        keys = sorted(target.name for target in found.targets)
        return passed(f"{key_path} resolves to {', '.join(keys)} of this stack", store.urn, keys=keys)
    if value is MISSING:
        return fail(f"{key_path} is not set: the data is encrypted with an AWS-managed key, if at all", store.urn)
    if value is UNKNOWN:
        return unknown(f"{key_path} is not known during preview and no KMS key of this stack feeds it", store.urn)
    safe = shown(props, key_path, value)
    if not value.strip():
        return fail(f"{key_path} is an empty string", store.urn)
    if is_aws_managed_key(value):
        message = f"{key_path} {safe} is an AWS-managed key alias, not a customer-managed key"
        return fail(message, store.urn, **{key_path: safe})
    return unknown(
        f"{key_path} names a key outside this stack; whether it is customer-managed is not visible offline",
        store.urn,
        **{key_path: safe},
    )


def _judge_source(graph: Graph, store: Resource, depth: int) -> Outcome | None:
    """A replica or restore without kmsKeyId uses its source's key (AWS refuses kmsKeyId on a same-region
    replica): judged through the source; None when the store inherits nothing."""
    source = source_of(graph, store)
    if source is None:
        return None
    if isinstance(source, str):
        return unknown(f"{STORAGE_KEY} is not set and {source} names a source outside this stack: the key is "
                       "the source's, which is not visible offline", store.urn)
    verdict = _judge(graph, source, STORAGE_KEY, depth + 1)
    return Outcome(verdict.status, f"the key is inherited from {source.name}: {verdict.message}", store.urn,
                   verdict.evidence)


def check_stack(graph: Graph, ctx: Context) -> list[Outcome]:
    """Every data store's key paths, as the catalogue's `key_paths` name them per resource type; each
    outcome names its `property`, so the gate can settle the resource rules' unknowns about it."""
    by_type = catalogue.load().key_paths
    outcomes = []
    for store in graph.of_type(*by_type):
        for path in _key_paths(graph, store, by_type[store.type]):
            verdict = _judge(graph, store, path)
            outcomes.append(replace(verdict, evidence={**verdict.evidence, "property": path}))
    return outcomes
