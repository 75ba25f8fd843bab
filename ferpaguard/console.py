"""Human-readable output with rich: findings table, summary, progress.

Colour and progress follow the terminal: none when the stream is not a TTY,
with `--no-color` or NO_COLOR set; nothing but errors with `--quiet`.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from ferpaguard.run import RunResult
from policies.model import Finding, Status

_STYLE = {
    Status.FAIL: "bold red",
    Status.UNKNOWN: "yellow",
    Status.WAIVED: "cyan",
    Status.PASS: "green",
    Status.NOT_APPLICABLE: "dim",
}


class Output:
    def __init__(self, *, quiet: bool = False, no_color: bool = False, json_stdout: bool = False) -> None:
        no_color = no_color or bool(os.environ.get("NO_COLOR"))
        self.quiet = quiet
        # Human output goes to stdout unless stdout carries JSON.
        self.out = Console(
            file=sys.stderr if json_stdout else sys.stdout, no_color=no_color, highlight=False, soft_wrap=False
        )
        self.err = Console(file=sys.stderr, no_color=no_color, highlight=False)

    def findings_table(self, findings: list[Finding], show_passed: bool = False) -> None:
        if self.quiet:
            return
        shown = [f for f in findings if show_passed or f.status not in (Status.PASS, Status.NOT_APPLICABLE)]
        if not shown:
            return
        order = {Status.FAIL: 0, Status.UNKNOWN: 1, Status.WAIVED: 2, Status.NOT_APPLICABLE: 3, Status.PASS: 4}
        shown.sort(key=lambda f: (order[f.status], f.enforcement.value != "mandatory", f.rule_id, f.urn))
        table = Table(show_lines=False, expand=False)
        for column in ("rule", "resource", "status", "message"):
            table.add_column(column, overflow="fold")
        for f in shown:
            status = f"{f.status.value}" + (f" ({f.enforcement.value})" if f.status is Status.FAIL else "")
            resource = f"{f.resource_type.split(':')[-1]} {f.resource_name}".strip() or f.urn
            source = "" if f.source == "ferpaguard" else f" [{f.source}]"
            table.add_row(
                escape(f"{f.rule_id}{source}"), escape(resource), f"[{_STYLE[f.status]}]{status}[/]", escape(f.message)
            )
        self.out.print(table)

    def summary(self, run: RunResult) -> None:
        if self.quiet:
            return
        s = run.summary()
        counts = ", ".join(f"{n} {status}" for status, n in s["by_status"].items() if n)
        timing = ", ".join(f"{k} {v:.2f}s" for k, v in s["timings"].items())
        verdict = (
            f"[bold red]{s['mandatory_failures']} mandatory violation(s)[/]"
            if s["mandatory_failures"]
            else "[bold green]no mandatory violations[/]"
        )
        self.out.print(
            f"{verdict}; {s['advisory_failures']} advisory; {s['resources']} resources checked "
            f"({counts or 'nothing to check'})"
        )
        if len(s["stacks"]) > 1:
            for stack, sub in s["stacks"].items():
                self.out.print(
                    f"  {escape(stack)}: {sub['mandatory_failures']} mandatory, "
                    f"{sub['advisory_failures']} advisory, {sub['resources']} resources"
                )
        if run.disagreements:
            unexplained = sum(1 for d in run.disagreements if not d.get("explained"))
            self.out.print(f"checkov disagreements: {len(run.disagreements)} ({unexplained} unexplained)")
        unresolved = [f for f in run.findings if f.status is Status.UNKNOWN]
        if unresolved:
            self.out.print(f"unknown, and no rule could resolve it from the stack ({len(unresolved)}):")
            for f in unresolved[:_UNKNOWNS_LISTED]:
                self.out.print(f"  {escape(f.rule_id)} {escape(f.resource_name or f.urn)}: {escape(f.message)}")
            if len(unresolved) > _UNKNOWNS_LISTED:
                self.out.print(f"  ... and {len(unresolved) - _UNKNOWNS_LISTED} more (all are in the findings)")
        for note in run.notes:
            self.out.print(f"note: {escape(note)}")
        if timing:
            self.out.print(f"[dim]time: {timing}[/]")

    def info(self, message: str) -> None:
        if not self.quiet:
            self.err.print(message)

    @contextmanager
    def status(self, message: str) -> Iterator[Any]:
        """A spinner on a terminal; silent in CI logs and with --quiet."""
        if self.quiet or not self.err.is_terminal:
            yield None
            return
        with self.err.status(message) as status:
            yield status


_UNKNOWNS_LISTED = 20


def error_line(message: str) -> None:
    """One clear line on stderr; never a traceback."""
    first = " ".join(str(message).split("\n")[0].split()) or "unexpected error"
    sys.stderr.write(f"ferpaguard: error: {first}\n")
