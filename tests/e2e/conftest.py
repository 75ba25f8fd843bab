"""The real Pulumi CLI for tests/e2e/: found, version-checked, or a clear skip.

Without a CLI (`make pulumi-cli` builds one into .tools/bin/) these tests skip
and the run's summary says so in one line; FERPAGUARD_REQUIRE_PULUMI=1 (set by
.ci/run) turns that skip into a failure.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from pulumi_engine import NO_CLI_HINT, POLICY_ANALYZE_MINIMUM, Workspace, cli_version, find_cli

REQUIRED = os.environ.get("FERPAGUARD_REQUIRE_PULUMI") == "1"
_skipped_for_cli: list[str] = []


def _unavailable(reason: str) -> None:
    if REQUIRED:
        pytest.fail(f"FERPAGUARD_REQUIRE_PULUMI=1 but {reason}", pytrace=False)
    _skipped_for_cli.append(reason)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def pulumi_cli() -> Path:
    cli = find_cli()
    if cli is None:
        _unavailable(NO_CLI_HINT)
    assert cli is not None
    if not (cli.is_file() and os.access(cli, os.X_OK)):
        _unavailable(f"{cli} (from FERPAGUARD_PULUMI) is not an executable")
    return cli


@pytest.fixture(scope="session")
def pulumi_version(pulumi_cli: Path) -> tuple[int, int, int]:
    return cli_version(pulumi_cli)


@pytest.fixture(scope="session")
def workspace(pulumi_cli: Path, tmp_path_factory: pytest.TempPathFactory) -> Workspace:
    return Workspace(tmp_path_factory.mktemp("pulumi-e2e"), pulumi_cli)


@pytest.fixture(scope="session")
def analyze_workspace(workspace: Workspace, pulumi_version: tuple[int, int, int]) -> Workspace:
    if pulumi_version < POLICY_ANALYZE_MINIMUM:
        wanted = ".".join(map(str, POLICY_ANALYZE_MINIMUM))
        _unavailable(f"`pulumi policy analyze --file` needs {wanted}+, found {'.'.join(map(str, pulumi_version))}")
    return workspace


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if _skipped_for_cli:
        terminalreporter.write_line(
            f"tests/e2e: skipped the end-to-end tests with the real Pulumi engine: {_skipped_for_cli[0]}", yellow=True
        )
    else:
        cli = find_cli()
        if cli is not None:
            terminalreporter.write_line(f"tests/e2e: real Pulumi engine: {cli}")
