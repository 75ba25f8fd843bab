from policies.graph import Graph
from policies.model import Outcome
from policies.registry import Context
from policies.resource_policies import owner_tls_only
from policies.s3_buckets import attached, judge_each

RULE_ID = "FERPA-TLS-20"

POLICY = "aws:s3/bucketPolicy:BucketPolicy"
DATA_ACTIONS = ("s3:GetObject", "s3:PutObject")
CONSEQUENCE = "objects may be read and written over plain HTTP"


def check_stack(graph: Graph, ctx: Context) -> list[Outcome]:
    policies = attached(graph, (POLICY,))
    return judge_each(
        graph, lambda bucket: owner_tls_only(graph, bucket, policies, DATA_ACTIONS, "bucket", CONSEQUENCE, objects=True)
    )
