from policies.attachments import attach, judge_owners
from policies.graph import Graph
from policies.model import Outcome
from policies.registry import Context
from policies.resource_policies import owner_tls_only

RULE_ID = "FERPA-TLS-22"

TOPIC = "aws:sns/topic:Topic"
TOPIC_POLICY = "aws:sns/topicPolicy:TopicPolicy"
DATA_ACTIONS = ("sns:Publish",)
CONSEQUENCE = "messages may be published without TLS"


def check_stack(graph: Graph, ctx: Context) -> list[Outcome]:
    policies = attach(graph, (TOPIC_POLICY,), "arn", (TOPIC,), "arn")
    return judge_owners(
        graph.of_type(TOPIC), lambda topic: owner_tls_only(graph, topic, policies, DATA_ACTIONS, "topic", CONSEQUENCE)
    )
