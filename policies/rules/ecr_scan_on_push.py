from policies.graph import Graph
from policies.model import Outcome, Resource, fail, passed, unknown
from policies.policy_documents import matches
from policies.registry import Context
from policies.tristate import Tri, any_of
from policies.values import UNKNOWN, as_list, get, is_unknown, truth

RULE_ID = "FERPA-LOG-21"

REPOSITORY = "aws:ecr/repository:Repository"
REGISTRY_SCANNING = "aws:ecr/registryScanningConfiguration:RegistryScanningConfiguration"
ON_PUSH = ("SCAN_ON_PUSH", "CONTINUOUS_SCAN")


def _filter_matches(name: object, filter_: object) -> Tri:
    if is_unknown(filter_) or filter_ is UNKNOWN:
        return None
    if not isinstance(filter_, str):
        return False
    if filter_.strip() == "*":
        return True
    if not isinstance(name, str) or is_unknown(name):
        return None
    return matches(filter_, name)


def _rule_covers(rule: object, name: object) -> Tri:
    frequency = get(rule, "scanFrequency")
    if frequency is UNKNOWN:
        return None
    if frequency not in ON_PUSH:
        return False
    filters = get(rule, "repositoryFilters")
    if filters is UNKNOWN:
        return None
    return any_of(_filter_matches(name, get(item, "filter")) for item in as_list(filters))


def _registry_covers(graph: Graph, configuration: Resource, name: object) -> Tri:
    rules = get(graph.props(configuration), "rules")
    if rules is UNKNOWN:
        return None
    return any_of(_rule_covers(rule, name) for rule in as_list(rules))


def _judge(graph: Graph, repository: Resource, registry: list[Resource]) -> Outcome:
    props = graph.props(repository)
    if registry:
        # A registry scanning configuration replaces the repositories' own scan-on-push settings.
        name = get(props, "name")
        state = any_of(_registry_covers(graph, configuration, name) for configuration in registry)
        names = ", ".join(configuration.name for configuration in registry)
        if state:
            return passed(f"the registry scanning configuration {names} scans this repository's images on push")
        if state is None:
            return unknown(f"whether the registry scanning configuration {names} covers this repository is not "
                           "known during preview")
        return fail(f"no rule of the registry scanning configuration {names} scans this repository on push or "
                    "continuously: vulnerable images reach the tasks that handle student records unnoticed")
    state = truth(get(props, "imageScanningConfiguration.scanOnPush"))
    if state is None:
        return unknown("imageScanningConfiguration.scanOnPush is not known during preview")
    if state:
        return passed("images are scanned on push")
    return fail("imageScanningConfiguration.scanOnPush is not true (ECR's default: false): vulnerable images reach "
                "the tasks that handle student records unnoticed")


def check_stack(graph: Graph, ctx: Context) -> list[Outcome]:
    registry = graph.of_type(REGISTRY_SCANNING)
    outcomes: list[Outcome] = []
    for repository in graph.of_type(REPOSITORY):
        verdict = _judge(graph, repository, registry)
        outcomes.append(Outcome(verdict.status, verdict.message, repository.urn, verdict.evidence))
    return outcomes
