"""What `gate` and `audit` share: config loading, evaluation, checkov, outputs, exit code."""

from __future__ import annotations

import datetime as dt
import json
import os
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from ferpaguard import __version__, collector
from ferpaguard.console import Output
from ferpaguard.errors import EXIT_OK, EXIT_VIOLATIONS, UserError
from ferpaguard.evaluate import Evaluation, evaluate, subject_to_resource_rules
from ferpaguard.inputs import POLICY_CONFIG, InputError, decode_text, label_of, read_bounded
from ferpaguard.pack_info import PACK_NAME, pack_hash, pack_version
from ferpaguard.run import RunResult
from ferpaguard.sources.stacks import ExportSource, ProgramSource, Source, StackInput
from policies.model import Finding
from policies.registry import all_rules
from policies.settings import ConfigError, PackSettings, parse


def load_settings(path: Path | None) -> PackSettings:
    metas = [rule.meta for rule in all_rules()]
    if path is None:
        return parse({}, metas)
    try:
        data = read_bounded(path, POLICY_CONFIG)
    except InputError as error:
        raise UserError(f"policy config {error}") from None
    try:
        raw = json.loads(decode_text(data, label_of(path)))
    except InputError as error:
        reason = str(error).removeprefix(f"{label_of(path)}: ")
        raise UserError(f"{path}: policy config is not valid JSON: {reason}") from None
    except ValueError as error:
        raise UserError(f"{path}: policy config is not valid JSON: {error}") from None
    except RecursionError:
        raise UserError(f"{path}: policy config is nested too deeply") from None
    try:
        return parse(raw, metas)
    except ConfigError as error:
        raise UserError(f"{path}: {error}") from None


def _check_output_options(formats: Sequence[str], output_dir: Path | None, bundle: bool) -> tuple[str, ...]:
    from ferpaguard.evidence import FORMATS

    chosen = tuple(dict.fromkeys(formats))
    unknown = [f for f in chosen if f not in FORMATS]
    if unknown:
        raise UserError(f"unknown --format {unknown[0]!r}; choose from {', '.join(FORMATS)}")
    if output_dir is None:
        if bundle:
            raise UserError("--bundle needs --output-dir")
        others = [f for f in chosen if f != "json"]
        if others:
            raise UserError(f"--format {others[0]} writes files: give --output-dir")
    elif not chosen:
        chosen = ("json",)
    return chosen


def _evaluate_all(
    inputs: list[StackInput],
    settings: PackSettings,
    options: RunOptions,
    output: Output,
    command: str,
    started: dt.datetime,
    timings: dict[str, float],
) -> RunResult:
    today = dt.date.today()
    evaluation = Evaluation()
    begin = time.perf_counter()
    if options.via_pack:
        _evaluate_via_pack(inputs, settings, output, evaluation)
    else:
        with output.status("evaluating policies"):
            for item in inputs:
                evaluate(
                    item.resources,
                    settings,
                    stack=item.stack,
                    use_outputs=item.use_outputs,
                    judge_deployed=options.judge_deployed and item.use_outputs,
                    today=today,
                    evaluation=evaluation,
                )
    timings["evaluation"] = time.perf_counter() - begin
    findings: list[Finding] = list(evaluation.findings)
    run = RunResult(
        command=command,
        tool_version=__version__,
        pack_name=PACK_NAME,
        pack_version=pack_version(),
        pack_hash=pack_hash(),
        inputs=[i.ref for i in inputs],
        started=started,
        finished=started,
        findings=findings,
        waivers=evaluation.waiver_report(settings, today),
        timings=timings,
        resource_counts={i.stack: sum(map(subject_to_resource_rules, i.resources)) for i in inputs},
    )
    for item in inputs:
        run.notes.extend(item.notes)
        run.skipped.extend(item.skipped)
    if options.via_pack:
        run.notes.append(
            "evaluated by the policy pack over the Analyzer gRPC protocol: passes are not reported "
            "by that protocol, waived failures are suppressed by the pack, unknowns the stack could settle "
            "stay unknown, and resource rules read inputs only"
        )
        for waiver in run.waivers:
            if waiver["state"] != "expired":
                waiver["state"] = "not observable (the pack suppresses waived failures)"
    if options.with_checkov:
        _run_checkov(run, inputs, output, options.checkov_python)
    run.finished = dt.datetime.now(dt.UTC)
    return run


def _evaluate_via_pack(
    inputs: list[StackInput], settings: PackSettings, output: Output, evaluation: Evaluation
) -> None:
    """Launch the pack as the Pulumi CLI does and collect its verdicts over gRPC."""
    from ferpaguard.host import AnalyzerHost, HostError, analyze_all
    from ferpaguard.pack_info import PACK_ROOT

    if not (PACK_ROOT / "__main__.py").is_file() or not (PACK_ROOT / "PulumiPolicy.yaml").is_file():
        raise UserError(f"--via-pack needs the policy pack directory (PulumiPolicy.yaml, __main__.py); {PACK_ROOT} "
                        "is an installed package, not a checkout of the pack")

    for item in inputs:
        project, _, stack = item.stack.rpartition("/")
        try:
            with (
                output.status(f"analysing {item.stack} through the policy pack"),
                AnalyzerHost(PACK_ROOT, project=project or "project", stack=stack or "stack") as host,
            ):
                host.configure(settings)
                findings = analyze_all(host, item.resources, use_outputs=item.use_outputs)
        except HostError as error:
            raise UserError(str(error)) from None
        for finding in findings:
            finding.stack = item.stack
        evaluation.findings.extend(findings)


def _run_checkov(run: RunResult, inputs: list[StackInput], output: Output, checkov_python: Path | None) -> None:
    """checkov's findings beside the pack's. checkov trouble becomes a note: the verdict stays the pack's."""
    from ferpaguard.checkov import crosscheck, environment, scan

    begin = time.perf_counter()
    checkov_findings: list[Finding] = []
    try:
        python = environment.find(checkov_python, progress=(lambda _: None) if output.quiet else None)
    except environment.CheckovUnavailable as error:
        run.notes.append(f"checkov did not run: {error}; the findings and exit code are ferpaguard's alone")
        python = None
    with output.status("running checkov"):
        for item in inputs if python else ():
            try:
                result = scan.scan(item.resources, stack=item.stack, python=python)
            except environment.CheckovUnavailable as error:
                run.notes.append(f"checkov did not run on {item.stack}: {error}; "
                                 "the findings and exit code for it are ferpaguard's alone")
                continue
            checkov_findings.extend(result.findings)
            run.notes.extend(f"{item.stack}: {note}" for note in result.notes)
            other_version = result.checkov_version and result.checkov_version != environment.pinned_version()
            if other_version and not any(note.startswith(f"checkov {result.checkov_version} ") for note in run.notes):
                run.notes.append(f"checkov {result.checkov_version} ran ({python.origin}), "
                                 f"not the pinned {environment.pinned_version()}")
            run.skipped.extend({"source": "checkov", "stack": item.stack, **s} for s in result.skipped)
    run.timings["checkov"] = time.perf_counter() - begin
    run.disagreements = crosscheck.disagreements(run.findings, checkov_findings)
    run.findings.extend(checkov_findings)


def _emit(
    run: RunResult,
    output: Output,
    formats: tuple[str, ...],
    output_dir: Path | None,
    bundle: bool,
    signing_key: Path | None,
    show_passed: bool,
    json_stdout: bool,
) -> None:
    from ferpaguard import evidence

    if json_stdout:
        from ferpaguard.evidence import findings_json
        from ferpaguard.evidence.determinism import canonical_bytes
        from ferpaguard.evidence.view import prepare

        try:
            data = canonical_bytes(findings_json.document(prepare(run)))
            sys.stdout.flush()
            binary = getattr(sys.stdout, "buffer", None)
            if binary is not None:  # bytes straight through: no decoding of 100+ MB only to encode it again
                binary.write(data)
                binary.flush()
            else:
                sys.stdout.write(data.decode("utf-8"))
                sys.stdout.flush()
        except BrokenPipeError:
            # The reader went away (`| head`): say so once, and keep Python from complaining at exit.
            sys.stdout = open(os.devnull, "w")
            raise UserError("standard output was closed before the JSON was written") from None
    else:
        output.findings_table(run.findings, show_passed=show_passed)
    output.summary(run)
    if output_dir is not None:
        from ferpaguard.evidence.publish import PublishError, publish

        def write(directory: Path) -> list[Path]:
            written = evidence.write_all(run, formats, directory)
            if bundle:
                written += evidence.write_bundle(directory, run, signing_key)
            return written

        try:
            # All files or none: written beside the target, moved into place when every one is done.
            written = publish(output_dir, write, only_own_files=bundle)
        except PublishError as error:
            raise UserError(str(error)) from None
        except OSError as error:
            raise UserError(f"{output_dir}: cannot write outputs: {error.strerror or error}") from None
        except evidence.BundleError as error:
            raise UserError(f"--signing-key: {error}") from None
        output.info(f"wrote {len(written)} file(s) to {output_dir}")


def _check_before_writing(options: RunOptions) -> None:
    """Every option and setting the outputs depend on, checked before anything is read or written."""
    from ferpaguard.evidence.determinism import SourceDateEpochError, source_date_epoch
    from ferpaguard.evidence.publish import PublishError, check_target

    try:
        source_date_epoch()
        if options.output_dir is not None:
            check_target(options.output_dir)
    except (SourceDateEpochError, PublishError) as error:
        raise UserError(str(error)) from None
    if options.bundle and options.signing_key is not None:
        from ferpaguard.evidence.bundle import BundleError, load_private_key  # cryptography, only when signing

        try:
            load_private_key(options.signing_key)
        except BundleError as error:
            raise UserError(f"--signing-key: {error}") from None


def _finish(run: RunResult, soft_fail: bool) -> int:
    return EXIT_VIOLATIONS if run.mandatory_failures and not soft_fail else EXIT_OK


@dataclass(frozen=True, slots=True)
class RunOptions:
    """The options `gate` and `audit` share (see `ferpaguard.cli.run_options`)."""

    policy_config: Path | None = None
    formats: Sequence[str] = ()
    output_dir: Path | None = None
    bundle: bool = False
    signing_key: Path | None = None
    with_checkov: bool = False
    checkov_python: Path | None = None
    soft_fail: bool = False
    show_passed: bool = False
    quiet: bool = False
    no_color: bool = False
    via_pack: bool = False
    judge_deployed: bool = False
    """Audit: judge resource rules on the deployed outputs where they disagree with the inputs."""


def _execute(source: Source, options: RunOptions) -> int:
    """Validate the options, load the stacks, evaluate, write the outputs, and return the exit code."""
    try:
        chosen = _check_output_options(options.formats, options.output_dir, options.bundle)
        _check_before_writing(options)
        json_stdout = options.output_dir is None and "json" in chosen
        output = Output(quiet=options.quiet, no_color=options.no_color, json_stdout=json_stdout)
        settings = load_settings(options.policy_config)
        started = dt.datetime.now(dt.UTC)
        begin = time.perf_counter()
        with output.status(source.describe()):
            inputs = source.load()
        timings = {"load" if source.command == "audit" else "program": time.perf_counter() - begin}
        # Findings and their records are trees (see ferpaguard.collector); frozen after, so that the
        # collector's first pass does not scan every object they made (0.14 s at 100k resources).
        with collector.paused(freeze=True):
            run = _evaluate_all(inputs, settings, options, output, source.command, started, timings)
            _emit(
                run, output, chosen, options.output_dir, options.bundle, options.signing_key, options.show_passed,
                json_stdout,
            )
        collector.keep_until_exit(inputs, run)
        return _finish(run, options.soft_fail)
    finally:
        source.close()


def gate(
    program_dir: Path,
    *,
    stack: str | None,
    config: dict[str, str],
    options: RunOptions,
    python: Path | None = None,
    timeout: float | None = None,
) -> int:
    # Started first, so the program runs on one core while settings and rules load on the other.
    return _execute(ProgramSource(program_dir, stack=stack, config=config, python=python, timeout=timeout), options)


def audit(exports: list[str], stacks: list[str], *, options: RunOptions) -> int:
    return _execute(ExportSource(exports, stacks), options)
