from policies.graph import Graph
from policies.model import Outcome, Resource, fail, passed, unknown
from policies.registry import Context
from policies.s3_buckets import Attached, attached, judge_each
from policies.values import get, truth

RULE_ID = "FERPA-NET-20"

BUCKET_BLOCK = "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock"
ACCOUNT_BLOCK = "aws:s3/accountPublicAccessBlock:AccountPublicAccessBlock"
FLAGS = ("blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets")


def _all_say(graph: Graph, blocks: list[Resource], flag: str) -> bool | None:
    """True when every block sets `flag` (two blocks on one scope overwrite each other, so each must);
    absent is the provider's default, false."""
    states = [truth(get(graph.props(block), flag)) for block in blocks]
    if not states or False in states:
        return False
    return None if None in states else True


def _effective(graph: Graph, bucket_blocks: list[Resource], account_blocks: list[Resource], flag: str) -> bool | None:
    """S3 applies the most restrictive of the bucket's and the account's settings."""
    states = (_all_say(graph, bucket_blocks, flag), _all_say(graph, account_blocks, flag))
    if True in states:
        return True
    return None if None in states else False


def _judge(graph: Graph, bucket: Resource, blocks: Attached, account_blocks: list[Resource]) -> Outcome:
    own = blocks.of(bucket)
    names = ", ".join(block.name for block in own + account_blocks)
    if not own and not account_blocks:
        if blocks.unresolved:
            pending = ", ".join(block.name for block in blocks.unresolved)
            return unknown(f"no public access block resolves to this bucket; the bucket of {pending} is not known")
        return fail(
            "no BucketPublicAccessBlock or AccountPublicAccessBlock in the stack covers this bucket: its "
            "public access settings are not managed, so an ACL or policy change can make student records public"
        )
    states = {flag: _effective(graph, own, account_blocks, flag) for flag in FLAGS}
    off = [flag for flag, state in states.items() if state is False]
    pending = [flag for flag, state in states.items() if state is None]
    if not off and not pending:
        return passed(f"all four public access block settings are on ({names})")
    if off and blocks.unresolved:
        others = ", ".join(block.name for block in blocks.unresolved)
        return unknown(f"{', '.join(off)} not on in {names}; the bucket of {others} is not known")
    if off:
        return fail(f"{', '.join(off)} not on in {names} (absent means false): public ACLs or policies may apply",
                    off=off)
    return unknown(f"{', '.join(pending)} not known during preview ({names})")


def check_stack(graph: Graph, ctx: Context) -> list[Outcome]:
    blocks = attached(graph, (BUCKET_BLOCK,))
    account_blocks = graph.of_type(ACCOUNT_BLOCK)
    return judge_each(graph, lambda bucket: _judge(graph, bucket, blocks, account_blocks))
