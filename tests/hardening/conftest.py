"""Hardening suite: prints the number of generated cases per target at the end of the run."""

from __future__ import annotations

import pytest

from tests.hardening.tally import report_lines


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    lines = report_lines()
    if not lines:
        return
    terminalreporter.section("hardening: generated cases per target")
    for line in lines:
        terminalreporter.write_line(line)
