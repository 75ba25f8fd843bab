"""The program runs with the project's own Python environment, whose pulumi-aws decides what is misuse."""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections.abc import Callable
from importlib.metadata import version
from pathlib import Path

import pytest

from ferpaguard.sources import ProgramError, run_program
from ferpaguard.sources.environment import declared_pins, find_interpreter

PROGRAMS = Path(__file__).resolve().parents[1] / "programs"
AWS6 = ("pulumi-aws==6.83.4",)
"""The last pulumi-aws 6 release; it pulls in a current pulumi."""
OLDEST = ("pulumi==3.100.0", "pulumi-aws==6.18.0")
"""The oldest pulumi SDK the harness supports (`_sdkcompat.OLDEST_SDK`), with a pulumi-aws of its time."""
OWN_AWS = version("pulumi-aws")


def project(tmp_path: Path, program: str, environment: Path | None = None, requirements: str = "") -> Path:
    """A copy of tests/programs/<program> with a `.venv` of its own (a link to a cached one)."""
    target = tmp_path / program
    shutil.copytree(PROGRAMS / program, target)
    runtime = "runtime:\n  name: python\n  options:\n    virtualenv: .venv\n" if environment else "runtime: python\n"
    (target / "Pulumi.yaml").write_text(f"name: {program.replace('_', '-')}\n{runtime}main: __main__.py\n")
    if environment is not None:
        (target / ".venv").symlink_to(environment, target_is_directory=True)
    if requirements:
        (target / "requirements.txt").write_text(requirements)
    return target


def gate(program_dir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "ferpaguard", "gate", str(program_dir), "-q", *args],
                          capture_output=True, text=True, timeout=120, check=False)


def test_the_projects_pulumi_aws_6_accepts_what_7_removed(tmp_path: Path, python_env: Callable[..., Path]) -> None:
    environment = python_env(*AWS6)
    directory = project(tmp_path, "deployment_stage_name", environment)
    run = run_program(directory)
    assert run.environment["pulumi-aws"] == "6.83.4"
    assert run.environment["interpreter"] == str(environment / "bin" / "python")
    (deployment,) = [r for r in run.resources if r.type == "aws:apigateway/deployment:Deployment"]
    assert deployment.props["stageName"] == "prod"
    assert gate(directory).returncode in (0, 1)


def test_the_same_program_under_pulumi_aws_7_names_the_version(tmp_path: Path) -> None:
    done = gate(project(tmp_path, "deployment_stage_name"))
    assert done.returncode == 2
    assert done.stderr.strip().splitlines() == [
        "ferpaguard: error: __main__.py:32: aws.apigateway.Deployment got an unexpected keyword argument "
        f"'stage_name' (pulumi-aws {OWN_AWS}: ferpaguard's own, the project has no environment)"
    ]


def test_a_pin_the_gate_could_not_honour_is_named(tmp_path: Path) -> None:
    done = gate(project(tmp_path, "deployment_stage_name", requirements="pulumi>=3\npulumi-aws==6.83.4\n"))
    assert done.returncode == 2
    assert done.stderr.strip().endswith(
        f"'stage_name'; your project asks for pulumi-aws==6.83.4 (requirements.txt) but has no environment, "
        f"so the gate ran its own pulumi-aws {OWN_AWS}: create the project's environment or pass --python"
    )


def test_misuse_in_the_projects_environment_names_its_version(tmp_path: Path, python_env: Callable[..., Path]) -> None:
    directory = project(tmp_path, "target_arns", python_env(*AWS6))
    with pytest.raises(ProgramError, match=r"'target_arns' \(did you mean 'target_arn'\?\) "
                                           r"\(pulumi-aws 6\.83\.4 in the project's environment\)$"):
        run_program(directory)


def test_python_option_wins_over_the_project(tmp_path: Path, python_env: Callable[..., Path]) -> None:
    directory = project(tmp_path, "deployment_stage_name")
    assert gate(directory).returncode == 2
    assert gate(directory, "--python", str(python_env(*AWS6))).returncode in (0, 1)
    assert gate(directory, "--python", str(python_env(*AWS6) / "bin" / "python")).returncode in (0, 1)


@pytest.mark.parametrize("pattern", ["resource_reference", "data_sources", "dict_policy_inputs", "remote_component"])
def test_the_oldest_supported_sdk_runs_every_pattern(
    tmp_path: Path, python_env: Callable[..., Path], pattern: str
) -> None:
    run = run_program(project(tmp_path, pattern, python_env(*OLDEST)))
    assert run.environment["pulumi"] == "3.100.0"
    assert len(run.resources) > 2


def test_the_oldest_supported_sdk_reports_misuse(tmp_path: Path, python_env: Callable[..., Path]) -> None:
    with pytest.raises(ProgramError, match=r"aws\.apigateway\.VpcLink got an unexpected keyword argument "
                                           r"'target_arns'.*pulumi-aws 6\.18\.0 in the project's environment"):
        run_program(project(tmp_path, "target_arns", python_env(*OLDEST)))


def test_an_environment_without_pulumi_is_one_clear_line(tmp_path: Path, python_env: Callable[..., Path]) -> None:
    bare = python_env()
    done = gate(project(tmp_path, "resource_reference", bare))
    assert done.returncode == 2
    assert done.stderr.strip().splitlines() == [
        f"ferpaguard: error: {bare / 'bin' / 'python'} (virtualenv): cannot import pulumi"
    ]


def test_a_declared_but_missing_environment_falls_back_with_a_note(tmp_path: Path) -> None:
    directory = project(tmp_path, "resource_reference")
    (directory / "Pulumi.yaml").write_text("name: fallback\nruntime:\n  name: python\n  options:\n"
                                           "    toolchain: uv\n")
    run = run_program(directory)
    assert run.environment["interpreter"] == sys.executable
    assert run.notes[0].startswith("Pulumi.yaml declares toolchain uv but .venv has no Python")


def test_the_interpreter_follows_pulumi_yaml(tmp_path: Path) -> None:
    (tmp_path / "env" / "bin").mkdir(parents=True)
    (tmp_path / "env" / "bin" / "python").write_text("")
    assert find_interpreter(tmp_path, {"virtualenv": "env"}, None).path == tmp_path / "env" / "bin" / "python"
    assert find_interpreter(tmp_path, {"toolchain": "pip"}, None).origin == "ferpaguard"
    (tmp_path / ".venv").symlink_to(tmp_path / "env")
    uv = find_interpreter(tmp_path, {"toolchain": "uv"}, None)
    assert (uv.origin, uv.path) == ("uv", tmp_path / "env" / "bin" / "python")


def test_pins_are_read_from_requirements_and_pyproject(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[tool.poetry.dependencies]\npython = "^3.10"\npulumi = "^3.100"\n'
                                             'pulumi-aws = "6.55.0"\n')
    assert declared_pins(tmp_path) == {
        "pulumi": (">=3.100,<4", "pyproject.toml"),
        "pulumi-aws": ("==6.55.0", "pyproject.toml"),
    }
    (tmp_path / "requirements.txt").write_text("pulumi_aws>=6.0.0,<7.0.0  # pinned\npulumi-random==4.1\n")
    assert declared_pins(tmp_path)["pulumi-aws"] == (">=6.0.0,<7.0.0", "requirements.txt")
