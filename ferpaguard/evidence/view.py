"""The one sanitised, sorted view of a RunResult that every writer reads.

Writers never see the RunResult itself: evidence passes through
`policies.values.redact` again (the rules already redact; this is the second
line), and any plaintext of a secret that some evidence still carries wrapped
is scrubbed from every message, note and record of the run.
"""

from __future__ import annotations

import dataclasses
import itertools
import operator
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from ferpaguard.evidence.determinism import iso, source_date_epoch
from ferpaguard.run import InputRef, RunResult, summarise_stacks
from policies.model import Finding, Status
from policies.values import REDACTED, SECRET_PRESENT, SIG_KEY, UNKNOWN_SENTINELS, is_secret, redact, unwrap_secret

MIN_SCRUB_LENGTH = 4
"""Shorter secret plaintexts are not scrubbed from free text: they would mangle ordinary words."""

STATUS_ORDER = {Status.FAIL: 0, Status.UNKNOWN: 1, Status.WAIVED: 2, Status.PASS: 3, Status.NOT_APPLICABLE: 4}


def _secret_texts(value: Any, found: set[str], depth: int = 0) -> None:
    if depth > 32:
        return
    if is_secret(value):
        inner = unwrap_secret(value)  # decodes `--show-secrets` plaintext, which is JSON text
        if isinstance(inner, str | int | float) and not isinstance(inner, bool):
            found.add(str(inner))
        elif inner is not None and inner is not SECRET_PRESENT:
            _collect_leaves(inner, found, depth + 1)
        return
    if isinstance(value, Mapping):
        for item in value.values():
            _secret_texts(item, found, depth + 1)
    elif isinstance(value, Sequence) and not isinstance(value, str | bytes):
        for item in value:
            _secret_texts(item, found, depth + 1)


def _collect_leaves(value: Any, found: set[str], depth: int) -> None:
    if depth > 32:
        return
    if isinstance(value, Mapping):
        for item in value.values():
            _collect_leaves(item, found, depth + 1)
    elif isinstance(value, Sequence) and not isinstance(value, str | bytes):
        for item in value:
            _collect_leaves(item, found, depth + 1)
    elif isinstance(value, str | int | float) and not isinstance(value, bool):
        found.add(str(value))


def valid_text(text: str) -> str:
    """`text` encodable as UTF-8: a lone surrogate (possible in names read from a program) becomes U+FFFD."""
    if text.isascii():
        return text
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return "".join("\ufffd" if 0xD800 <= ord(c) <= 0xDFFF else c for c in text)
    return text


class Scrubber:
    """Replaces known secret plaintexts in text with the redaction marker."""

    def __init__(self, secrets: Iterable[str]) -> None:
        usable = {s for s in secrets if len(s) >= MIN_SCRUB_LENGTH and s != REDACTED}
        self._secrets = sorted(usable, key=lambda s: (-len(s), s))

    @property
    def active(self) -> bool:
        return bool(self._secrets)

    def text(self, text: str) -> str:
        text = valid_text(text)
        if not self._secrets:
            return text
        for secret in self._secrets:
            if secret in text:
                text = text.replace(secret, REDACTED)
        return text

    def value(self, value: Any, depth: int = 0) -> Any:
        """A JSON-ready copy: redacted, scrubbed, containers as dict/list, other objects as text."""
        value = redact(value)
        if depth > 32:
            return "..."
        if isinstance(value, str):
            return self.text(value)
        if value is None or isinstance(value, bool | int | float):
            return value
        if isinstance(value, Mapping):
            return {self.text(str(k)): self.value(v, depth + 1) for k, v in value.items() if str(k) != SIG_KEY}
        if isinstance(value, Sequence) and not isinstance(value, bytes):
            return [self.value(v, depth + 1) for v in value]
        return self.text(str(value))


def relative_uri(path: str) -> str:
    """An input path as a relative POSIX URI: relative to the working directory when possible."""
    candidate = Path(path)
    if candidate.is_absolute():
        try:
            candidate = candidate.relative_to(Path.cwd())
        except ValueError:
            candidate = Path(candidate.name)
    text = PurePosixPath(*candidate.parts).as_posix() if candidate.parts else "."
    return text.removeprefix("./")


def finding_sort_key(finding: Finding) -> tuple[str, ...]:
    return (
        finding.stack,
        finding.rule_id,
        finding.urn,
        str(STATUS_ORDER[finding.status]),
        finding.message,
        finding.source,
    )


def sorted_findings(findings: Iterable[Finding]) -> list[Finding]:
    """`sorted(findings, key=finding_sort_key)`, built for 100k+ findings: grouped by stack and rule, each
    group ordered by URN alone (a plain string key), and only runs of one URN (a rule's several outcomes
    on one resource) ordered by the whole key. Stable, so the order is exactly the same."""
    groups: dict[tuple[str, str], list[Finding]] = {}
    for finding in findings:
        key = (finding.stack, finding.rule_id)
        group = groups.get(key)
        if group is None:
            groups[key] = [finding]
        else:
            group.append(finding)
    ordered: list[Finding] = []
    for key in sorted(groups):
        group = groups[key]
        group.sort(key=_urn_of)
        if len(set(map(_urn_of, group))) == len(group):
            ordered.extend(group)
            continue
        for _, run in itertools.groupby(group, key=_urn_of):
            same = list(run)
            ordered.extend(sorted(same, key=finding_sort_key) if len(same) > 1 else same)
    return ordered


_urn_of = operator.attrgetter("urn")


@dataclass(frozen=True, slots=True)
class EvidenceView:
    command: str
    tool_version: str
    pack_name: str
    pack_version: str
    pack_hash: str
    inputs: tuple[InputRef, ...]
    stacks: tuple[str, ...]
    started: str
    finished: str
    findings: tuple[Finding, ...]
    summary: Mapping[str, Any]
    waivers: tuple[Mapping[str, Any], ...]
    disagreements: tuple[Mapping[str, Any], ...]
    skipped: tuple[Mapping[str, Any], ...]
    notes: tuple[str, ...]
    stack_uris: Mapping[str, str] = dataclasses.field(default_factory=dict)
    """Each stack's first input as `relative_uri`, so `input_uri` is a lookup (audits of hundreds of exports)."""

    def input_uri(self, finding: Finding) -> str:
        """The relative path of the input a finding came from: the stack's input, else the only or first one."""
        known = self.stack_uris.get(finding.stack) if finding.stack else None
        if known is not None:
            return known
        for ref in self.inputs:
            if finding.stack and ref.stack == finding.stack:
                return relative_uri(ref.path)
        if self.inputs:
            return relative_uri(self.inputs[0].path)
        return "Pulumi.yaml"

    def metadata(self) -> dict[str, Any]:
        """Run identity shared by the JSON report, the JUnit properties and the bundle manifest."""
        return {
            "command": self.command,
            "tool": {"name": "ferpaguard", "version": self.tool_version},
            "pack": {"name": self.pack_name, "version": self.pack_version, "sha256": self.pack_hash},
            "inputs": [
                {"path": relative_uri(i.path), "sha256": i.sha256, "kind": i.kind, "stack": i.stack}
                for i in self.inputs
            ],
            "stacks": list(self.stacks),
            "started": self.started,
            "finished": self.finished,
        }


_PLAIN_SCALARS = frozenset({int, float, bool, type(None)})


def _plain(value: Any, depth: int = 0) -> bool:
    """True when `value` is already what `Scrubber.value` would make of it with nothing to scrub:
    dicts with text keys, lists, ASCII text and numbers, no secret wrapper, no unknown sentinel,
    at most 32 levels. Checked by exact type: the ABC checks of the general path are what cost
    seconds on an audit's 100k findings."""
    kind = type(value)
    if kind is str:
        return value.isascii() and value not in UNKNOWN_SENTINELS
    if kind in _PLAIN_SCALARS:
        return True
    if depth >= 32:
        return False
    if kind is dict:
        return all(type(k) is str and k != SIG_KEY and k.isascii() and _plain(v, depth + 1) for k, v in value.items())
    if kind is list:
        return all(_plain(v, depth + 1) for v in value)
    return False


def _plain_evidence(finding: Finding) -> bool:
    return not finding.evidence or (type(finding.evidence) is dict and _plain(finding.evidence))


def _clean_finding(finding: Finding, scrubber: Scrubber, plain_evidence: bool) -> Finding:
    if (
        plain_evidence
        and not finding.waiver
        and not scrubber.active
        and finding.message.isascii()
        and finding.title.isascii()
        and finding.resource_name.isascii()
        and finding.urn.isascii()
        and finding.resource_type.isascii()
    ):
        return finding
    waiver = scrubber.value(dict(finding.waiver)) if finding.waiver else None
    return dataclasses.replace(
        finding,
        title=scrubber.text(finding.title),
        message=scrubber.text(finding.message),
        resource_name=scrubber.text(finding.resource_name),
        urn=scrubber.text(finding.urn),
        resource_type=valid_text(finding.resource_type),
        evidence=scrubber.value(dict(finding.evidence)),
        waiver=waiver,
    )


def _records(items: Iterable[Mapping[str, Any]], scrubber: Scrubber) -> tuple[Mapping[str, Any], ...]:
    cleaned = [scrubber.value(dict(item)) for item in items]
    return tuple(sorted(cleaned, key=lambda item: repr(sorted(item.items(), key=lambda kv: kv[0]))))


def prepare(run: RunResult) -> EvidenceView:
    secrets: set[str] = set()
    plain = [_plain_evidence(finding) for finding in run.findings]
    for finding, plain_evidence in zip(run.findings, plain, strict=True):
        if not plain_evidence:
            _secret_texts(finding.evidence, secrets)
        if finding.waiver:
            _secret_texts(finding.waiver, secrets)
    for record in (*run.waivers, *run.disagreements, *run.skipped):
        _secret_texts(record, secrets)
    scrubber = Scrubber(secrets)
    findings = sorted_findings(map(_clean_finding, run.findings, itertools.repeat(scrubber), plain))
    stacks = sorted({f.stack for f in findings if f.stack} | {i.stack for i in run.inputs if i.stack})
    summary = summarise_stacks(findings, stacks, run.resource_counts) | {
        "disagreements": len(run.disagreements),
        # Durations differ from run to run; a reproducible export leaves them out.
        "timings": {} if source_date_epoch() else {k: round(v, 3) for k, v in sorted(run.timings.items())},
    }
    inputs = tuple(sorted(run.inputs, key=lambda i: (i.stack, i.path, i.sha256)))
    stack_uris: dict[str, str] = {}
    for ref in inputs:
        if ref.stack and ref.stack not in stack_uris:
            stack_uris[ref.stack] = relative_uri(ref.path)
    return EvidenceView(
        stack_uris=stack_uris,
        command=run.command,
        tool_version=run.tool_version,
        pack_name=run.pack_name,
        pack_version=run.pack_version,
        pack_hash=run.pack_hash,
        inputs=inputs,
        stacks=tuple(stacks),
        started=iso(run.started),
        finished=iso(run.finished),
        findings=tuple(findings),
        summary=summary,
        waivers=_records(run.waivers, scrubber),
        disagreements=_records(run.disagreements, scrubber),
        skipped=_records(run.skipped, scrubber),
        notes=tuple(scrubber.text(n) for n in run.notes),
    )
