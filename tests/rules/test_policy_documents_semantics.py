"""IAM wildcard matching without backtracking, and bounds on what a rule parses.

The old matcher turned `*` into `.*` and let the regex engine backtrack: an Action of
twenty `*` followed by `x` hung gate, audit and the pack. These tests count the
matcher's work instead of timing it; the end-to-end case has a generous guard only.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from policies.model import Status
from policies.policy_documents import MAX_POLICY_CHARS, PolicyState, match_steps, matches, read_policy
from tests.rules.helpers import policy_json, res, run, run_stack

TWENTY_STARS = "*" * 20 + "x"


def reference_match(pattern: str, value: str) -> bool:
    """Dynamic programming over (pattern, value) prefixes: slow, obviously right."""
    pattern, value = pattern.lower(), value.lower()
    row = [True] + [False] * len(value)
    for p in pattern:
        if p == "*":
            for j in range(1, len(value) + 1):
                row[j] = row[j] or row[j - 1]
        else:
            row = [False] + [row[j - 1] and (p == "?" or p == value[j - 1]) for j in range(1, len(value) + 1)]
    return row[-1]


def test_twenty_stars_then_x_is_decided_with_linear_work() -> None:
    value = "elasticfilesystem:ClientMount" * 40
    matched, steps = match_steps(TWENTY_STARS, value)
    assert matched is False
    assert steps <= 2 * (len(TWENTY_STARS) + len(value))
    assert match_steps(TWENTY_STARS, value + "x")[0] is True


def test_work_stays_linear_for_star_patterns_of_any_length() -> None:
    for stars in (1, 10, 100, 1000):
        pattern = "a*" * stars + "b"
        value = "a" * 5000
        matched, steps = match_steps(pattern, value)
        assert matched is False
        assert steps <= 2 * (len(pattern) + len(value)), (stars, steps)


def test_question_marks_cost_at_most_value_times_piece() -> None:
    pattern = "*" + "?" * 50 + "x*"
    value = "a" * 4000
    matched, steps = match_steps(pattern, value)
    assert matched is False
    assert steps <= len(value) * 52


@settings(max_examples=400, derandomize=True, database=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(alphabet="ab*?:", max_size=12), st.text(alphabet="abAB:", max_size=14))
def test_agrees_with_the_obvious_matcher(pattern: str, value: str) -> None:
    assert matches(pattern, value) is reference_match(pattern, value)


def finishes(call: Callable[[], Any], seconds: float = 60.0) -> Any:
    """The call's result; fails if it has not returned after a generous guard (not a benchmark)."""
    box: list[Any] = []
    worker = threading.Thread(target=lambda: box.append(call()), daemon=True)
    worker.start()
    worker.join(seconds)
    assert not worker.is_alive(), "the rule did not finish: wildcard matching backtracks"
    return box[0]


def test_twenty_star_action_does_not_hang_the_efs_and_kms_rules() -> None:
    deny = {"Effect": "Deny", "Principal": "*", "Action": TWENTY_STARS, "Resource": "*",
            "Condition": {"Bool": {"aws:SecureTransport": "false"}}}
    file_system = res("aws:efs/fileSystem:FileSystem", {"encrypted": True}, name="files", id="fs-1")
    policy = res("aws:efs/fileSystemPolicy:FileSystemPolicy", {"fileSystemId": "fs-1", "policy": policy_json(deny)},
                 name="files-policy")
    outcomes = finishes(lambda: run_stack("FERPA-TLS-08", [file_system, policy]))
    assert [o.status for o in outcomes if o.urn == file_system.urn] == [Status.FAIL]
    grant = {"Effect": "Allow", "Principal": "*", "NotAction": TWENTY_STARS, "Resource": "*"}
    key = res("aws:kms/key:Key", {"policy": policy_json(grant)})
    assert [o.status for o in finishes(lambda: run("FERPA-ENC-10", key))] == [Status.FAIL]


def test_a_policy_larger_than_aws_accepts_is_not_parsed() -> None:
    statement = {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "x" * MAX_POLICY_CHARS}
    huge = json.dumps({"Statement": [statement]})
    read = read_policy(huge)
    assert read.state is PolicyState.INVALID and "longer than" in read.error
    decoded = {"Statement": [{"Effect": "Allow", "Action": "a" * (MAX_POLICY_CHARS + 1)}]}
    assert read_policy(decoded).state is PolicyState.INVALID
    many = {"Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}] * 1001}
    assert read_policy(many).state is PolicyState.INVALID
