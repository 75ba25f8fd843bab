"""A stack that creates EBS volumes turns on the account's EBS encryption by default with a
customer-managed default key, so no volume (a snapshot copy, a volume an AMI creates) is ever
written unencrypted or under aws/ebs. Judged only when the stack uses EBS."""

from policies.compute_checks import key_in_stack
from policies.graph import Graph
from policies.model import Outcome, fail, passed, unknown
from policies.registry import Context
from policies.values import MISSING, get, truth

RULE_ID = "FERPA-ENC-44"

BY_DEFAULT = "aws:ebs/encryptionByDefault:EncryptionByDefault"
DEFAULT_KEY = "aws:ebs/defaultKmsKey:DefaultKmsKey"
EBS_USERS = ("aws:ec2/instance:Instance", "aws:ebs/volume:Volume", "aws:ec2/launchTemplate:LaunchTemplate")
STACK = "pulumi:pulumi:Stack"


def check_stack(graph: Graph, ctx: Context) -> list[Outcome]:
    if not graph.of_type(*EBS_USERS):
        return []
    stacks = graph.of_type(STACK)
    stack_urn = stacks[0].urn if stacks else ""
    if truth(ctx.config.get("managedElsewhere", False)):
        return [passed("EBS default encryption is managed outside this stack (managedElsewhere: true)", stack_urn)]
    settings = graph.of_type(BY_DEFAULT)
    if not settings:
        return [fail("the stack creates EBS volumes but does not turn on EBS encryption by default "
                     "(aws.ebs.EncryptionByDefault)", stack_urn)]
    outcomes: list[Outcome] = []
    for setting in settings:
        value = get(graph.props(setting), "enabled")
        enabled = True if value is MISSING else truth(value)  # the resource's default is enabled
        if enabled is None:
            outcomes.append(unknown("enabled is not known during preview", setting.urn))
        elif not enabled:
            outcomes.append(fail("enabled is false: EBS encryption by default is off", setting.urn))
        else:
            outcomes.append(passed("EBS encryption by default is on", setting.urn))
    keys = graph.of_type(DEFAULT_KEY)
    if not keys:
        outcomes.append(fail("no aws.ebs.DefaultKmsKey: volumes encrypted by default use the AWS-managed aws/ebs key",
                             stack_urn))
    for key in keys:
        outcomes.append(key_in_stack(graph, key, "keyArn", "default EBS encryption")
                        or passed("the default EBS key is customer-managed", key.urn))
    return outcomes
