from policies.attachments import attach, judge_owners
from policies.graph import Graph
from policies.model import Outcome
from policies.registry import Context
from policies.resource_policies import owner_tls_only

RULE_ID = "FERPA-TLS-21"

QUEUE = "aws:sqs/queue:Queue"
QUEUE_POLICY = "aws:sqs/queuePolicy:QueuePolicy"
DATA_ACTIONS = ("sqs:SendMessage", "sqs:ReceiveMessage")
CONSEQUENCE = "messages may be sent and received without TLS"


def check_stack(graph: Graph, ctx: Context) -> list[Outcome]:
    policies = attach(graph, (QUEUE_POLICY,), "queueUrl", (QUEUE,), "url")
    return judge_owners(
        graph.of_type(QUEUE), lambda queue: owner_tls_only(graph, queue, policies, DATA_ACTIONS, "queue", CONSEQUENCE)
    )
