"""Where the pack and checkov disagree on the same resource.

For each checkov pass/fail on a resource and each catalogue rule that names
that checkov id, the pack's verdict for that rule and resource is compared; a
pass on one side and a fail on the other is a disagreement. Known, explained
differences (checkov checks less, or something else, than the rule) are data
in `known_differences.yaml`, each with its reason.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from ferpaguard.checkov.scan import SOURCE, rules_by_checkov_id
from policies.model import Finding, Status

KNOWN_DIFFERENCES_PATH = Path(__file__).with_name("known_differences.yaml")
_JUDGED = (Status.PASS, Status.FAIL)


@dataclass(frozen=True, slots=True)
class KnownDifference:
    rule_id: str
    checkov_id: str
    ferpaguard_status: Status
    checkov_status: Status
    reason: str

    def explains(self, rule_id: str, checkov_id: str, ferpaguard_status: Status, checkov_status: Status) -> bool:
        return (self.rule_id, self.checkov_id, self.ferpaguard_status, self.checkov_status) == (
            rule_id,
            checkov_id,
            ferpaguard_status,
            checkov_status,
        )


@functools.cache
def known_differences(path: Path = KNOWN_DIFFERENCES_PATH) -> tuple[KnownDifference, ...]:
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    return tuple(
        KnownDifference(
            rule_id=raw["rule_id"],
            checkov_id=raw["checkov_id"],
            ferpaguard_status=Status(raw["ferpaguard_status"]),
            checkov_status=Status(raw["checkov_status"]),
            reason=" ".join(str(raw["reason"]).split()),
        )
        for raw in data.get("differences", ())
    )


def _verdicts(findings: Iterable[Finding]) -> dict[tuple[str, str], Status]:
    """(urn, rule_id) -> fail if any outcome failed, else pass if one passed; other statuses are not verdicts."""
    verdicts: dict[tuple[str, str], Status] = {}
    for finding in findings:
        if finding.status not in _JUDGED:
            continue
        key = (finding.urn, finding.rule_id)
        if verdicts.get(key) is not Status.FAIL:
            verdicts[key] = finding.status
    return verdicts


def disagreements(
    pack_findings: Sequence[Finding],
    checkov_findings: Sequence[Finding],
    known: Sequence[KnownDifference] | None = None,
) -> list[dict[str, Any]]:
    """One entry per resource, rule and checkov id where one side passes and the other fails."""
    known = known_differences() if known is None else known
    pack = _verdicts(f for f in pack_findings if f.source != SOURCE)
    checkov = _verdicts(f for f in checkov_findings if f.source == SOURCE)
    mirrors: Mapping[str, Sequence[Any]] = rules_by_checkov_id()
    found: list[dict[str, Any]] = []
    for (urn, checkov_id), checkov_status in sorted(checkov.items()):
        for meta in mirrors.get(checkov_id, ()):
            pack_status = pack.get((urn, meta.id))
            if pack_status is None or pack_status is checkov_status:
                continue
            explanation = next(
                (k for k in known if k.explains(meta.id, checkov_id, pack_status, checkov_status)), None
            )
            found.append(
                {
                    "urn": urn,
                    "rule_id": meta.id,
                    "checkov_id": checkov_id,
                    "ferpaguard_status": pack_status.value,
                    "checkov_status": checkov_status.value,
                    "explained": explanation is not None,
                    "reason": explanation.reason if explanation else "",
                }
            )
    return found


def unexplained(entries: Iterable[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    return [entry for entry in entries if not entry["explained"]]
