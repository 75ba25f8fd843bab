from policies.checks import best_of
from policies.graph import Graph
from policies.model import Outcome, Resource, fail, unknown
from policies.policy_documents import read_policy
from policies.registry import Context
from policies.resource_policies import tls_only_verdict
from policies.s3_buckets import Attached, attached, judge_each
from policies.values import MISSING, get

RULE_ID = "FERPA-TLS-20"

POLICY = "aws:s3/bucketPolicy:BucketPolicy"
DATA_ACTIONS = ("s3:GetObject", "s3:PutObject")
CONSEQUENCE = "objects may be read and written over plain HTTP"


def _judge(graph: Graph, bucket: Resource, policies: Attached) -> Outcome:
    verdicts = [
        tls_only_verdict(read_policy(get(graph.props(policy), "policy")), f"bucket policy {policy.name}",
                         DATA_ACTIONS, CONSEQUENCE)
        for policy in policies.of(bucket)
    ]
    inline = get(graph.props(bucket), "policy")
    if inline is not MISSING:
        verdicts.append(tls_only_verdict(read_policy(inline), "the bucket (inline policy)", DATA_ACTIONS, CONSEQUENCE))
    if verdicts:
        return best_of(verdicts)
    if policies.unresolved:
        pending = ", ".join(policy.name for policy in policies.unresolved)
        return unknown(f"no bucket policy resolves to this bucket; the bucket of {pending} is not known")
    return fail(f"no bucket policy denies requests without TLS (aws:SecureTransport false): {CONSEQUENCE}")


def check_stack(graph: Graph, ctx: Context) -> list[Outcome]:
    policies = attached(graph, (POLICY,))
    return judge_each(graph, lambda bucket: _judge(graph, bucket, policies))
