"""The one shape every input source hands the pipeline: stacks of resources.

A `Source` is started before the rules load (a program's child process then
runs on the other core) and loaded once; `close()` releases what it holds.
The gate's program run and the audit's stack exports are the two sources;
a new one (e.g. `pulumi preview --json`) implements the same three methods.
"""

from __future__ import annotations

import gc
import hashlib
import shutil
import subprocess
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from ferpaguard.errors import UserError
from ferpaguard.run import InputRef
from policies.model import Resource

if TYPE_CHECKING:
    from ferpaguard.sources.export import StackExport
    from ferpaguard.sources.program import PendingRun


@dataclass(slots=True)
class StackInput:
    """One stack to evaluate, whatever its source."""

    ref: InputRef
    stack: str
    resources: list[Resource]
    use_outputs: bool
    notes: list[str] = field(default_factory=list)
    skipped: list[dict[str, Any]] = field(default_factory=list)


class Source(Protocol):
    command: str
    """`gate` or `audit`: names the run and its load phase in the evidence."""

    def describe(self) -> str:
        """What the progress line says while `load` runs."""
        ...

    def load(self) -> list[StackInput]:
        """The stacks, or `UserError` with one line."""
        ...

    def close(self) -> None: ...


class ProgramSource:
    """A Pulumi Python program run offline under Pulumi's mocks (preview semantics: inputs)."""

    command = "gate"

    def __init__(
        self,
        program_dir: Path,
        *,
        stack: str | None,
        config: Mapping[str, str],
        python: Path | None = None,
        timeout: float | None = None,
    ) -> None:
        from ferpaguard.sources.program import DEFAULT_TIMEOUT, ProgramError, start_program

        self.program_dir = program_dir
        self.timeout = timeout or DEFAULT_TIMEOUT
        try:
            self._pending: PendingRun = start_program(program_dir, stack=stack, config_overrides=config, python=python)
        except ProgramError as error:
            raise UserError(str(error)) from None

    def describe(self) -> str:
        return f"running {self.program_dir} under Pulumi mocks"

    def load(self) -> list[StackInput]:
        from ferpaguard.sources.program import ProgramError

        try:
            program = self._pending.wait(self.timeout)
        except ProgramError as error:
            raise UserError(str(error)) from None
        digest = hashlib.sha256(program.pulumi_yaml.read_bytes()).hexdigest()
        stack_name = f"{program.project}/{program.stack}"
        ref = InputRef(path=display_path(program.pulumi_yaml), sha256=digest, kind="program", stack=stack_name)
        return [StackInput(ref, stack_name, program.resources, use_outputs=False, notes=list(program.notes))]

    def close(self) -> None:
        self._pending.cancel()


class ExportSource:
    """`pulumi stack export` documents: files, stdin (`-`) or stacks the Pulumi CLI exports."""

    command = "audit"

    def __init__(self, exports: list[str], stacks: list[str]) -> None:
        if exports.count("-") > 1:
            raise UserError("standard input (-) can be read only once")
        self.exports, self.stacks = exports, stacks

    def describe(self) -> str:
        return "loading stack exports"

    def load(self) -> list[StackInput]:
        from ferpaguard.sources.export import ExportError, load_export

        loaded: list[StackExport] = []
        try:
            for path in self.exports:
                data = sys.stdin.buffer.read() if path == "-" else None
                loaded.append(load_export(path, data))
            for stack in self.stacks:
                loaded.append(load_export(f"pulumi-stack:{stack}", export_stack(stack)))
        except ExportError as error:
            raise UserError(str(error)) from None
        # Loaded resources live until exit: keep the collector from re-scanning millions of objects.
        gc.freeze()
        return [_export_input(export) for export in loaded]

    def close(self) -> None:
        pass


def export_stack(stack: str) -> bytes:
    """`pulumi stack export --stack STACK`, run with the user's Pulumi CLI."""
    pulumi = shutil.which("pulumi")
    if pulumi is None:
        raise UserError(
            f"--stack {stack}: the Pulumi CLI is not installed (needed for `pulumi stack export`); "
            "export the stack yourself and pass the file"
        )
    try:
        done = subprocess.run(
            [pulumi, "stack", "export", "--stack", stack], capture_output=True, timeout=600, check=False
        )
    except (OSError, subprocess.TimeoutExpired) as error:
        raise UserError(f"--stack {stack}: pulumi stack export failed: {error}") from None
    if done.returncode != 0:
        last = (done.stderr.decode(errors="replace").strip().splitlines() or ["no message"])[-1]
        raise UserError(f"--stack {stack}: pulumi stack export failed: {last}")
    return done.stdout


def _export_input(export: StackExport) -> StackInput:
    doomed = {id(r) for r in export.pending_deletion}
    resources = [r for r in export.resources if id(r) not in doomed]
    from_file = export.path != "<stdin>" and not export.path.startswith("pulumi-stack:")
    path = display_path(Path(export.path)) if from_file else export.path
    ref = InputRef(path=path, sha256=export.sha256, kind="export", stack=export.stack)
    notes = [f"{export.path}: {note}" for note in export.notes]
    notes += [
        f"{export.path}: pending operation {op.get('type', '?')} on {op.get('urn', '?')} was not evaluated"
        for op in export.pending_operations
    ]
    skipped = [{"stack": export.stack, **s} for s in export.skipped]
    return StackInput(ref, export.stack, resources, use_outputs=True, notes=notes, skipped=skipped)


def display_path(path: Path) -> str:
    try:
        return path.resolve().relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return path.as_posix()
