"""The pre-commit hook manifest parses, points at a real console script and passes the reference project."""

from __future__ import annotations

import importlib
import re
import shlex
import subprocess
import sys
import tomllib
from pathlib import Path
from typing import Any

import pytest
import yaml

# Keys pre-commit requires in every hook manifest entry.
REQUIRED_KEYS = {"id", "name", "entry", "language"}


@pytest.fixture(scope="module")
def hook(repo_root: Path) -> dict[str, Any]:
    manifest = yaml.safe_load((repo_root / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    assert isinstance(manifest, list)
    (found,) = (entry for entry in manifest if entry["id"] == "ferpaguard-gate")
    return found


def test_hook_declares_what_pre_commit_needs(hook: dict[str, Any]) -> None:
    assert REQUIRED_KEYS <= hook.keys()
    assert hook["language"] == "python"
    assert hook["pass_filenames"] is False
    assert shlex.split(hook["entry"]) == ["ferpaguard", "gate"]


def test_hook_entry_is_a_console_script_of_the_package(repo_root: Path, hook: dict[str, Any]) -> None:
    scripts = tomllib.loads((repo_root / "pyproject.toml").read_text(encoding="utf-8"))["project"]["scripts"]
    program = shlex.split(hook["entry"])[0]
    module_name, _, attribute = scripts[program].partition(":")
    assert callable(getattr(importlib.import_module(module_name), attribute))


@pytest.mark.parametrize(("path", "runs"), [
    ("Pulumi.yaml", True),
    ("Pulumi.dev.yaml", True),
    ("stack/network.py", True),
    ("__main__.py", True),
    ("README.md", False),
    ("docs/ci.md", False),
    ("requirements.txt", False),
])
def test_hook_runs_for_program_and_stack_files_only(hook: dict[str, Any], path: str, runs: bool) -> None:
    # pre-commit matches `files` with Python's re.search against the repository-relative path.
    assert bool(re.search(hook["files"], path)) is runs


def test_hook_command_passes_the_reference_project(repo_root: Path, hook: dict[str, Any]) -> None:
    program, *arguments = shlex.split(hook["entry"])
    executable = Path(sys.executable).parent / program
    result = subprocess.run([str(executable), *arguments, *hook.get("args", [])], cwd=repo_root,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
