"""`pip install .` gives a working ferpaguard: built as a wheel, installed into a fresh virtualenv, run elsewhere.

The wheel is built with build isolation, as `pip install .` does (setuptools comes from the package index
or pip's cache). The fresh virtualenv gets its third-party dependencies from this interpreter's
site-packages through a .pth file added after the wheel is installed, so nothing is downloaded twice and
ferpaguard itself can only come from the wheel.
"""

from __future__ import annotations

import email.parser
import json
import os
import re
import shutil
import subprocess
import sys
import sysconfig
import tomllib
import zipfile
from pathlib import Path

import pytest
from packaging.requirements import Requirement

from ferpaguard import __version__

NOT_SOURCE = shutil.ignore_patterns(".venv", ".git", "build", "dist", "out", "*.egg-info", "__pycache__", "*.pyc",
                                    ".ruff_cache", ".pytest_cache", ".hypothesis", "tests", "bench")
PACKAGES = ("ferpaguard", "policies")
CATALOGUE_DIR = Path(__file__).parents[2] / "policies" / "catalogue"
CATALOGUE_FILES = {f"policies/catalogue/{p.name}" for p in CATALOGUE_DIR.glob("*.yaml")}
KEY_DATA_FILES = CATALOGUE_FILES | {
    "ferpaguard/evidence/findings.schema.json",
    "ferpaguard/evidence/templates/report.html.j2",
    "ferpaguard/checkov/mapping.yaml",
    "ferpaguard/checkov/known_differences.yaml",
    "ferpaguard/checkov/custom_checks/vpclink_connects_network_lb.yaml",
    "ferpaguard/checkov/custom_checks/vpclink_nlb_only.py",
    "ferpaguard/checkov/custom_checks/elasticache_transit_required.py",
    "ferpaguard/checkov/requirements.txt",
    "ferpaguard/checkov/_runner.py",
}


def _run(command: list[str | Path], cwd: Path, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(part) for part in command], cwd=cwd, capture_output=True, text=True, timeout=timeout)


def _build_wheel(source: Path, dist: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "--wheel-dir", str(dist), str(source)]
    return subprocess.run(command, cwd=dist, capture_output=True, text=True, timeout=300, env=env)


@pytest.fixture(scope="module")
def source(repo_root: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    copy = tmp_path_factory.mktemp("source") / "ferpaguard"
    shutil.copytree(repo_root, copy, ignore=NOT_SOURCE)
    return copy


@pytest.fixture(scope="module")
def wheel(source: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    dist = tmp_path_factory.mktemp("dist")
    build = _build_wheel(source, dist)
    assert build.returncode == 0, build.stderr[-3000:]
    (built,) = dist.glob("ferpaguard-*.whl")
    return built


@pytest.fixture(scope="module")
def venv(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("venv") / "env"
    created = _run([sys.executable, "-m", "venv", "--without-pip", root], cwd=root.parent)
    assert created.returncode == 0, created.stderr
    python = root / "bin" / "python"
    installed = _run([sys.executable, "-m", "pip", "--python", python, "install", "--no-deps", "--no-index",
                      "--quiet", wheel], cwd=root.parent)
    assert installed.returncode == 0, installed.stderr[-3000:]
    purelib = _run([python, "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"], cwd=root.parent)
    (Path(purelib.stdout.strip()) / "zz_test_dependencies.pth").write_text(sysconfig.get_path("purelib") + "\n")
    return root


def test_wheel_builds_with_the_oldest_setuptools_the_project_allows(source: Path, tmp_path: Path) -> None:
    requires = tomllib.loads((source / "pyproject.toml").read_text(encoding="utf-8"))["build-system"]["requires"]
    (setuptools,) = (Requirement(r) for r in requires if Requirement(r).name == "setuptools")
    (oldest,) = (spec.version for spec in setuptools.specifier if spec.operator == ">=")
    constraint = tmp_path / "oldest-setuptools.txt"
    constraint.write_text(f"setuptools=={oldest}\n")
    # Newer pip reads build constraints from PIP_BUILD_CONSTRAINT; older pip applied PIP_CONSTRAINT to builds too.
    env = {**os.environ, "PIP_BUILD_CONSTRAINT": str(constraint), "PIP_CONSTRAINT": str(constraint)}
    build = _build_wheel(source, tmp_path, env)
    errors = [line.strip() for line in build.stderr.splitlines() if "error" in line.lower()]
    assert build.returncode == 0, f"setuptools {oldest} cannot build the project: {errors[:3]}"


def test_wheel_holds_every_module_and_data_file(repo_root: Path, wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    expected = {
        path.relative_to(repo_root).as_posix()
        for package in PACKAGES
        for path in (repo_root / package).rglob("*")
        if path.is_file() and "__pycache__" not in path.parts and path.suffix != ".pyc"
    }
    assert KEY_DATA_FILES <= expected
    assert sorted(expected - names) == []


def test_wheel_metadata(repo_root: Path, wheel: Path) -> None:
    with zipfile.ZipFile(wheel) as archive:
        info = f"ferpaguard-{__version__}.dist-info"
        metadata = email.parser.Parser().parsestr(archive.read(f"{info}/METADATA").decode())
        entry_points = archive.read(f"{info}/entry_points.txt").decode()
        assert f"{info}/licenses/LICENSE" in archive.namelist()
    assert metadata["Name"] == "ferpaguard"
    assert metadata["Version"] == __version__
    assert metadata["License-Expression"] == "MIT"
    assert metadata["Requires-Python"]
    pinned = {line.split("==")[0] for line in (repo_root / "requirements.txt").read_text().splitlines()
              if line and not line.startswith("#")}
    assert pinned == {req.split("==")[0] for req in metadata.get_all("Requires-Dist")}
    assert re.search(r"^ferpaguard = ferpaguard\.cli:main$", entry_points, re.MULTILINE)


def test_console_script_and_module_print_the_version(venv: Path, tmp_path: Path) -> None:
    script = _run([venv / "bin" / "ferpaguard", "--version"], cwd=tmp_path)
    module = _run([venv / "bin" / "python", "-m", "ferpaguard", "--version"], cwd=tmp_path)
    assert (script.returncode, module.returncode) == (0, 0), script.stderr + module.stderr
    assert script.stdout.strip() == module.stdout.strip() == f"ferpaguard, version {__version__}"


def test_installed_code_comes_from_the_wheel(venv: Path, tmp_path: Path) -> None:
    where = _run([venv / "bin" / "python", "-c", "import ferpaguard, policies; print(ferpaguard.__file__); "
                  "print(policies.__file__)"], cwd=tmp_path)
    assert where.returncode == 0, where.stderr
    assert all(Path(line).is_relative_to(venv) for line in where.stdout.split()), where.stdout


def test_installed_gate_passes_the_reference_stack(repo_root: Path, venv: Path, tmp_path: Path) -> None:
    gate = _run([venv / "bin" / "ferpaguard", "gate", repo_root, "--format", "json", "--quiet"], cwd=tmp_path)
    assert gate.returncode == 0, gate.stderr
    report = json.loads(gate.stdout)
    assert report["command"] == "gate"
    assert report["findings"]


def test_changelog_has_an_entry_for_this_version(repo_root: Path) -> None:
    changelog = (repo_root / "CHANGELOG.md").read_text(encoding="utf-8")
    assert re.search(rf"^## \[{re.escape(__version__)}\] - \d{{4}}-\d{{2}}-\d{{2}}$", changelog, re.MULTILINE)
    assert re.search(r"^## \[Unreleased\]$", changelog, re.MULTILINE)


def test_version_has_one_source(repo_root: Path) -> None:
    pyproject = tomllib.loads((repo_root / "pyproject.toml").read_text(encoding="utf-8"))
    assert "version" in pyproject["project"]["dynamic"]
    assert "version" not in pyproject["project"]
