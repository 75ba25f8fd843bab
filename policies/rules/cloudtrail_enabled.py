from policies.graph import Graph
from policies.model import Outcome, Resource, fail, passed, unknown
from policies.registry import Context
from policies.values import MISSING, UNKNOWN, get, truth

RULE_ID = "FERPA-LOG-05"

TRAIL = "aws:cloudtrail/trail:Trail"
KMS_KEY = "aws:kms/key:Key"
STACK = "pulumi:pulumi:Stack"


def _stack_urn(graph: Graph) -> str:
    stacks = graph.of_type(STACK)
    return stacks[0].urn if stacks else ""


def _key_outcome(graph: Graph, trail: Resource) -> Outcome | None:
    value = get(graph.props(trail), "kmsKeyId")
    if value is MISSING or (isinstance(value, str) and not value.strip()):
        return fail("kmsKeyId is not set: trail logs are not encrypted with a customer-managed key", trail.urn)
    if value is UNKNOWN and not graph.resolve(trail, "kmsKeyId", (KMS_KEY,)).targets:
        return unknown("kmsKeyId is not known during preview and no KMS key of the stack feeds it", trail.urn)
    return None


def _judge(graph: Graph, trail: Resource) -> Outcome:
    problems: list[Outcome] = []
    validation = truth(get(graph.props(trail), "enableLogFileValidation"))
    if validation is None:
        problems.append(unknown("enableLogFileValidation is not known during preview", trail.urn))
    elif not validation:
        problems.append(fail("enableLogFileValidation is not true: tampered log files would go unnoticed", trail.urn))
    key = _key_outcome(graph, trail)
    if key is not None:
        problems.append(key)
    failures = [p for p in problems if p.status == "fail"]
    if failures:
        return fail("; ".join(p.message for p in failures), trail.urn)
    if problems:
        return unknown("; ".join(p.message for p in problems), trail.urn)
    return passed("log file validation on, encrypted with a KMS key", trail.urn)


def check_stack(graph: Graph, ctx: Context) -> list[Outcome]:
    outcomes = [_judge(graph, trail) for trail in graph.of_type(TRAIL)]
    if truth(ctx.config.get("managedElsewhere", False)):
        outcomes.append(passed("CloudTrail is managed outside this stack (managedElsewhere: true)", _stack_urn(graph)))
    elif not outcomes:
        outcomes.append(fail("the stack has no CloudTrail trail recording API activity", _stack_urn(graph)))
    return outcomes
