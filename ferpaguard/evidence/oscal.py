"""oscal/assessment-results.json and oscal/component-definition.json (NIST OSCAL, JSON).

Assessment results: one result per run; an inventory item per resource; an
observation per evaluation (method TEST, with the ferpaguard prop
method=TEST-AUTOMATED, since OSCAL's `methods` only knows EXAMINE, INTERVIEW,
TEST and UNKNOWN); a finding per NIST control whose target is the control's
statement in the published NIST catalog. FERPA and PTAC have no OSCAL catalog:
they travel as props.

Component definition: what the pack implements, per NIST control, from the
catalogue (every rule, not only the ones this run evaluated).

Both are canonical JSON (sorted keys); the assessment results, which grow with
the findings, without indentation (`jq .` pretty-prints them).

Control ids follow the NIST catalogs: SP 800-53 rev5 "sc-28" (statement
"sc-28_smt"); SP 800-171 rev3 "SP_800_171_03.13.11" (statement
"statement_03.13.11").
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Collection
from pathlib import Path
from typing import Any

from ferpaguard.evidence.controls import OSCAL_CATALOGS, control_label, control_sort_key, control_title
from ferpaguard.evidence.determinism import stable_uuid, write_canonical
from ferpaguard.evidence.text import one_line
from ferpaguard.evidence.view import EvidenceView
from policies import catalogue
from policies.model import ControlRef, Finding, RuleMeta, Status

DIRECTORY = "oscal"
ASSESSMENT_RESULTS = "assessment-results.json"
COMPONENT_DEFINITION = "component-definition.json"
OSCAL_VERSION = "1.2.3"
"""The OSCAL release of the schemas the output is validated against (tests/schemas/oscal/)."""
NS = "urn:ferpaguard:oscal"


def prop(name: str, value: str, ns: str | None = NS) -> dict[str, str]:
    item = {"name": name, "value": one_line(value)}
    if ns:
        item["ns"] = ns
    return item


def _nist_refs(refs: tuple[ControlRef, ...]) -> list[ControlRef]:
    return [ref for ref in refs if ref.framework in OSCAL_CATALOGS]


def _control_heading(ref: ControlRef) -> str:
    title = control_title(ref)
    return one_line(f"{ref.framework} {ref.id}{': ' + title if title else ''}")


def _run_uuid(view: EvidenceView) -> str:
    inputs = ",".join(f"{i.path}={i.sha256}" for i in view.inputs)
    return stable_uuid("assessment-results", view.command, view.pack_hash, inputs, view.started)


def _observation_props(finding: Finding) -> list[dict[str, str]]:
    return [
        prop("method", "TEST-AUTOMATED"),
        prop("rule-id", finding.rule_id),
        prop("status", finding.status.value),
        prop("enforcement", finding.enforcement.value),
        prop("severity", finding.severity.value),
        prop("source", finding.source),
        *(prop("control", control_label(ref)) for ref in finding.controls),
    ]


def _add_evidence_and_waiver(observation: dict[str, Any], finding: Finding) -> None:
    if finding.evidence:
        values = "; ".join(f"{key}={value!s}" for key, value in sorted(finding.evidence.items()))
        observation["relevant-evidence"] = [{"description": one_line(f"Property values: {values}")}]
    if finding.waiver:
        waiver = finding.waiver
        observation["remarks"] = one_line(
            f"Waived: {waiver.get('reason', '')} (approved by {waiver.get('approver', '?')}, "
            f"expires {waiver.get('expires', '?')})"
        )


class _Evaluations:
    """What one NIST control's finding cites: its observations, in the findings' order."""

    __slots__ = ("groups", "related")

    def __init__(self) -> None:
        self.related: list[dict[str, str]] = []
        self.groups: list[_ControlGroup] = []  # the groups naming this control, once per time they name it

    def statuses(self) -> Counter[Status]:
        tally: Counter[Status] = Counter()
        for group in self.groups:
            tally.update(group.statuses)
        return tally


class _ControlGroup:
    """The findings that share one `controls` tuple (a rule's findings do): their props, their NIST
    controls and the statuses they give those controls."""

    __slots__ = ("controls", "props", "statuses", "targets")

    def __init__(self, controls: tuple[ControlRef, ...]) -> None:
        self.controls = controls
        self.props: dict[tuple[Any, ...], list[dict[str, str]]] = {}
        self.targets: list[_Evaluations] | None = None
        self.statuses: Counter[Status] = Counter()


class _Assessment:
    """The inventory, an observation per finding and what each NIST control's finding cites, in one
    pass over the findings. What many findings share (a rule's props, a resource's subject, the run's
    uuid) is built once and shared, since an audit of 100k resources has 100k+ observations."""

    def __init__(self, view: EvidenceView, tool: str) -> None:
        self.run_uuid = _run_uuid(view)
        self.collected = view.finished
        self.origins = [{"actors": [{"type": "tool", "actor-uuid": tool}]}]
        self.methods = ["TEST"]
        self.fail_types = ["finding"]
        self.other_types = ["control-objective"]
        self.inventory: list[dict[str, Any]] = []
        self.subjects: dict[str, list[dict[str, str]]] = {}
        self.shared_props: dict[tuple[str, str], dict[str, str]] = {}
        self.groups: dict[int, _ControlGroup] = {}
        self.by_control: dict[ControlRef, _Evaluations] = {}
        self.observations = [self.observation(index, f) for index, f in enumerate(view.findings)]

    def prop(self, name: str, value: str) -> dict[str, str]:
        found = self.shared_props.get((name, value))
        if found is None:
            found = self.shared_props[name, value] = prop(name, value)
        return found

    def subject(self, finding: Finding) -> list[dict[str, str]]:
        found = self.subjects.get(finding.urn)
        if found is None:
            uuid = stable_uuid("inventory-item", finding.urn)
            self.inventory.append(
                {
                    "uuid": uuid,
                    "description": one_line(f"{finding.resource_type} {finding.resource_name}"),
                    "props": [
                        prop("asset-id", finding.urn, ns=None),
                        self.prop("resource-type", finding.resource_type),
                        self.prop("stack", finding.stack or "-"),
                    ],
                }
            )
            found = self.subjects[finding.urn] = [{"subject-uuid": uuid, "type": "inventory-item"}]
        return found

    def group(self, finding: Finding) -> _ControlGroup:
        # Told apart by identity: hashing the tuples' ControlRefs for every finding costs a second.
        found = self.groups.get(id(finding.controls))
        if found is None:
            found = self.groups[id(finding.controls)] = _ControlGroup(finding.controls)
        return found

    def props(self, group: _ControlGroup, finding: Finding) -> list[dict[str, str]]:
        key = (finding.rule_id, finding.status, finding.enforcement, finding.severity, finding.source)
        found = group.props.get(key)
        if found is None:
            found = group.props[key] = _observation_props(finding)
        return found

    def targets(self, group: _ControlGroup) -> list[_Evaluations]:
        """The group's NIST controls, registered in the order evaluated findings first name them."""
        if group.targets is None:
            group.targets = []
            for ref in _nist_refs(group.controls):
                evaluations = self.by_control.get(ref)
                if evaluations is None:
                    evaluations = self.by_control[ref] = _Evaluations()
                evaluations.groups.append(group)
                group.targets.append(evaluations)
        return group.targets

    def observation(self, index: int, finding: Finding) -> dict[str, Any]:
        # The lookups that nearly always hit are inlined: this runs once per finding.
        status = finding.status
        group = self.groups.get(id(finding.controls)) or self.group(finding)
        props = group.props.get((finding.rule_id, status, finding.enforcement, finding.severity, finding.source))
        uuid = stable_uuid("observation", self.run_uuid, str(index), finding.rule_id, finding.urn)
        observation: dict[str, Any] = {
            "uuid": uuid,
            "title": one_line(f"{finding.rule_id} on {finding.resource_name}"),
            "description": one_line(f"{status.value}: {finding.message}"),
            "props": props if props is not None else self.props(group, finding),
            "methods": self.methods,
            "types": self.fail_types if status is Status.FAIL else self.other_types,
            "origins": self.origins,
            "subjects": self.subjects.get(finding.urn) or self.subject(finding),
            "collected": self.collected,
        }
        _add_evidence_and_waiver(observation, finding)
        if status is not Status.NOT_APPLICABLE:
            group.statuses[status] += 1
            related = {"observation-uuid": uuid}
            for evaluations in group.targets if group.targets is not None else self.targets(group):
                evaluations.related.append(related)
        return observation


def _state(statuses: Collection[Status]) -> tuple[str, str, str]:
    """OSCAL target status (state, reason) and remarks for one control's evaluations."""
    if Status.FAIL in statuses:
        return "not-satisfied", "fail", "At least one resource fails a rule mapped to this control."
    if Status.UNKNOWN in statuses:
        return "not-satisfied", "other", "Some values could not be known before deployment; not shown satisfied."
    if Status.WAIVED in statuses:
        return "not-satisfied", "other", "Failures are covered by approved, unexpired waivers."
    return "satisfied", "pass", "Every evaluated resource passes the rules mapped to this control."


def _findings(run_uuid: str, by_control: dict[ControlRef, _Evaluations]) -> list[dict[str, Any]]:
    results = []
    for ref in sorted(by_control, key=control_sort_key):
        evaluations = by_control[ref]
        tally = evaluations.statuses()
        state, reason, remarks = _state(tally)
        counts = ", ".join(f"{tally[s]} {s.value}" for s in Status if tally[s])
        catalog = OSCAL_CATALOGS[ref.framework]
        heading = _control_heading(ref)
        results.append(
            {
                "uuid": stable_uuid("finding", run_uuid, ref.framework, ref.id),
                "title": heading,
                "description": one_line(f"{len(evaluations.related)} automated evaluation(s): {counts}."),
                "props": [prop("catalog", catalog.title), prop("control-id", catalog.control_id(ref.id))],
                "target": {
                    "type": "statement-id",
                    "target-id": catalog.statement_id(ref.id),
                    "title": heading,
                    "status": {"state": state, "reason": reason},
                    "remarks": remarks,
                },
                "related-observations": evaluations.related,
            }
        )
    return results


def _control_selections(refs: list[ControlRef]) -> list[dict[str, Any]]:
    selections = []
    for framework, catalog in OSCAL_CATALOGS.items():
        ids = sorted(
            {ref.id for ref in refs if ref.framework == framework},
            key=lambda i: control_sort_key(ControlRef(framework, i)),
        )
        if ids:
            selections.append(
                {
                    "props": [prop("catalog", catalog.title)],
                    "links": [{"href": catalog.href, "rel": "reference", "text": catalog.title}],
                    "include-controls": [{"control-id": catalog.control_id(i)} for i in ids],
                }
            )
    return selections


def _tool_component(view: EvidenceView) -> dict[str, Any]:
    return {
        "uuid": stable_uuid("component", "ferpaguard", view.tool_version),
        "type": "software",
        "title": "ferpaguard",
        "description": one_line(
            f"ferpaguard {view.tool_version} with policy pack {view.pack_name} {view.pack_version}"
        ),
        "props": [prop("version", view.tool_version), prop("pack-sha256", view.pack_hash)],
        "status": {"state": "operational"},
    }


def assessment_results(view: EvidenceView) -> dict[str, Any]:
    run_uuid = _run_uuid(view)
    tool = _tool_component(view)
    platform_uuid = stable_uuid("assessment-platform", tool["uuid"])
    assessment = _Assessment(view, tool["uuid"])
    inventory, observations = assessment.inventory, assessment.observations
    plan_uuid = stable_uuid("plan", run_uuid)
    input_resources = [
        {
            "uuid": stable_uuid("input", run_uuid, item["path"], item["sha256"]),
            "title": one_line(f"Input: {item['path']}"),
            "props": [prop("input-kind", item["kind"]), prop("stack", item["stack"] or "-")],
            "rlinks": [{"href": item["path"], "hashes": [{"algorithm": "SHA-256", "value": item["sha256"]}]}],
        }
        for item in view.metadata()["inputs"]
    ]
    local: dict[str, Any] = {
        "assessment-assets": {
            "components": [tool],
            "assessment-platforms": [
                {"uuid": platform_uuid, "title": "ferpaguard", "uses-components": [{"component-uuid": tool["uuid"]}]}
            ],
        }
    }
    if inventory:
        local["inventory-items"] = inventory
    result: dict[str, Any] = {
        "uuid": stable_uuid("result", run_uuid),
        "title": one_line(f"ferpaguard {view.command}: {', '.join(view.stacks) or 'no stack'}"),
        "description": one_line(
            f"Automated evaluation of {view.summary['resources']} resource(s) against the FERPA technical-safeguard "
            f"rules of {view.pack_name} {view.pack_version}."
        ),
        "start": view.started,
        "end": view.finished,
        "props": [prop("command", view.command), prop("pack-sha256", view.pack_hash)],
        "local-definitions": local,
        "reviewed-controls": {
            "description": "The NIST controls the policy pack's rules are mapped to and this run evaluated.",
            "control-selections": _control_selections(list(assessment.by_control)) or [{"include-all": {}}],
        },
    }
    if observations:
        result["observations"] = observations
    findings = _findings(run_uuid, assessment.by_control)
    if findings:
        result["findings"] = findings
    return {
        "assessment-results": {
            "uuid": run_uuid,
            "metadata": {
                "title": one_line(f"ferpaguard {view.command} assessment results"),
                "published": view.finished,
                "last-modified": view.finished,
                "version": view.tool_version,
                "oscal-version": OSCAL_VERSION,
            },
            "import-ap": {
                "href": f"#{plan_uuid}",
                "remarks": "No separate assessment plan: the policy pack (component-definition.json) is the plan.",
            },
            "results": [result],
            "back-matter": {
                "resources": [
                    {
                        "uuid": plan_uuid,
                        "title": "Assessment plan: the ferpaguard policy pack",
                        "rlinks": [{"href": COMPONENT_DEFINITION, "media-type": "application/json"}],
                    },
                    *input_resources,
                ]
            },
        }
    }


def _requirement(meta_by_control: list[RuleMeta], ref: ControlRef, catalog_id: str, pack: str) -> dict[str, Any]:
    rules = sorted(meta_by_control, key=lambda m: m.id)
    related = sorted({control_label(c) for m in rules for c in m.controls if c.framework not in OSCAL_CATALOGS})
    return {
        "uuid": stable_uuid("implemented-requirement", pack, ref.framework, ref.id),
        "control-id": catalog_id,
        "description": "Checked automatically by: " + "; ".join(f"{m.id} {m.title}" for m in rules),
        "props": [prop("rule-id", m.id) for m in rules] + [prop("related-control", label) for label in related],
    }


def component_definition(view: EvidenceView) -> dict[str, Any]:
    rules = catalogue.load().rules
    pack_identity = f"{view.pack_name}@{view.pack_version}"
    implementations = []
    for framework, catalog in OSCAL_CATALOGS.items():
        by_control: dict[ControlRef, list[RuleMeta]] = defaultdict(list)
        for meta in rules:
            for ref in meta.controls:
                if ref.framework == framework:
                    by_control[ref].append(meta)
        if not by_control:
            continue
        implementations.append(
            {
                "uuid": stable_uuid("control-implementation", pack_identity, framework),
                "source": catalog.href,
                "description": f"{catalog.title} controls checked by the {view.pack_name} policy pack.",
                "implemented-requirements": [
                    _requirement(by_control[ref], ref, catalog.control_id(ref.id), pack_identity)
                    for ref in sorted(by_control, key=control_sort_key)
                ],
            }
        )
    component = {
        "uuid": stable_uuid("pack-component", pack_identity),
        "type": "software",
        "title": one_line(f"{view.pack_name} policy pack"),
        "description": "Pulumi CrossGuard policy pack encoding FERPA technical safeguards for AWS.",
        "props": [prop("version", view.pack_version), prop("pack-sha256", view.pack_hash)],
        "control-implementations": implementations,
    }
    return {
        "component-definition": {
            "uuid": stable_uuid("component-definition", pack_identity, view.pack_hash),
            "metadata": {
                "title": one_line(f"{view.pack_name} {view.pack_version}: controls implemented"),
                "last-modified": view.finished,
                "version": view.pack_version,
                "oscal-version": OSCAL_VERSION,
            },
            "components": [component],
        }
    }


def write(view: EvidenceView, output_dir: Path) -> list[Path]:
    directory = output_dir / DIRECTORY
    return [
        # An observation per finding makes this file 500 MB when indented at 100k resources: it is written
        # without indentation (same keys, same order), the small component definition indented as usual.
        write_canonical(directory / ASSESSMENT_RESULTS, assessment_results(view), indent=False),
        write_canonical(directory / COMPONENT_DEFINITION, component_definition(view)),
    ]
