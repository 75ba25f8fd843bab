"""Which Python runs a Pulumi program: the project's own environment, as the Pulumi CLI finds it.

The Pulumi CLI's Python language host reads `runtime.options` in Pulumi.yaml:
`virtualenv: DIR` (relative to the project directory), `toolchain: pip | uv |
poetry` (uv defaults to `.venv`; poetry asks `poetry env info --path`).
`--python PATH` (an interpreter or an environment directory) wins over both.
Only a project without any environment runs with ferpaguard's own Python,
whose pulumi and pulumi-aws versions then decide what is misuse; what the
project pins is read from requirements.txt / pyproject.toml to say so.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

POETRY_TIMEOUT = 20.0
WATCHED_PACKAGES = ("pulumi", "pulumi-aws")


class EnvironmentError_(Exception):
    """An environment the user named or declared exists but cannot run the program."""


@dataclass(frozen=True, slots=True)
class Interpreter:
    path: Path
    origin: str
    """`--python`, `virtualenv`, `uv`, `poetry`, or `ferpaguard` (the gate's own)."""
    note: str = ""
    """Why the project's environment was not used, when it was declared but is missing."""

    @property
    def is_own(self) -> bool:
        return self.origin == "ferpaguard"


def python_in(environment: Path) -> Path | None:
    for candidate in (environment / "bin" / "python", environment / "Scripts" / "python.exe"):
        if candidate.is_file():
            return candidate
    return None


def find_interpreter(project_dir: Path, runtime_options: Mapping[str, Any], explicit: Path | None) -> Interpreter:
    if explicit is not None:
        return Interpreter(_explicit(explicit), "--python")
    virtualenv = runtime_options.get("virtualenv")
    toolchain = str(runtime_options.get("toolchain") or "pip")
    if toolchain == "poetry" and not virtualenv:
        found = _poetry_environment(project_dir)
        if found is not None:
            return Interpreter(found, "poetry")
        virtualenv = ".venv"
        declared = "toolchain poetry"
    elif toolchain == "uv" and not virtualenv:
        virtualenv, declared = ".venv", "toolchain uv"
    else:
        declared = f"virtualenv {virtualenv}"
    if virtualenv:
        environment = (project_dir / str(virtualenv)).resolve()
        python = python_in(environment)
        if python is not None:
            return Interpreter(python, "virtualenv" if declared.startswith("virtualenv") else toolchain)
        return Interpreter(
            Path(sys.executable),
            "ferpaguard",
            f"Pulumi.yaml declares {declared} but {_shown(environment, project_dir)} has no Python "
            "(run `pulumi install` to create it)",
        )
    return Interpreter(Path(sys.executable), "ferpaguard")


def _explicit(given: Path) -> Path:
    path = given.expanduser()
    if path.is_dir():
        python = python_in(path)
        if python is None:
            raise EnvironmentError_(f"--python {given}: no bin/python in that directory")
        return python
    if not path.is_file():
        raise EnvironmentError_(f"--python {given}: no such interpreter")
    return path.absolute()


def _poetry_environment(project_dir: Path) -> Path | None:
    poetry = shutil.which("poetry")
    if poetry is None:
        return None
    try:
        done = subprocess.run(
            [poetry, "env", "info", "--path"],
            cwd=project_dir,
            capture_output=True,
            text=True,
            timeout=POETRY_TIMEOUT,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    if done.returncode != 0 or not done.stdout.strip():
        return None
    return python_in(Path(done.stdout.strip()))


def _shown(path: Path, base: Path) -> str:
    try:
        return str(path.relative_to(base))
    except ValueError:
        return str(path)


_REQUIREMENT = re.compile(r"^\s*(pulumi[-_]aws|pulumi)\s*(?:\[[^\]]*\])?\s*([<>=!~][^;#]*)", re.IGNORECASE)


def declared_pins(project_dir: Path) -> dict[str, tuple[str, str]]:
    """What the project asks for: package -> (version specifier, file), from requirements.txt or pyproject.toml."""
    pins: dict[str, tuple[str, str]] = {}
    for requirement, source in [*_requirements(project_dir), *_pyproject(project_dir)]:
        match = _REQUIREMENT.match(requirement)
        if match is not None:
            package = match.group(1).lower().replace("_", "-")
            pins.setdefault(package, (match.group(2).strip(), source))
    return pins


def _requirements(project_dir: Path) -> list[tuple[str, str]]:
    try:
        text = (project_dir / "requirements.txt").read_text(encoding="utf-8", errors="replace")
    except OSError:
        return []
    return [(line, "requirements.txt") for line in text.splitlines()]


def _pyproject(project_dir: Path) -> list[tuple[str, str]]:
    import tomllib

    try:
        document = tomllib.loads((project_dir / "pyproject.toml").read_text(encoding="utf-8", errors="replace"))
    except (OSError, tomllib.TOMLDecodeError):
        return []
    found = [(str(item), "pyproject.toml") for item in document.get("project", {}).get("dependencies", [])]
    poetry = document.get("tool", {}).get("poetry", {}).get("dependencies", {})
    for name, constraint in poetry.items() if isinstance(poetry, dict) else ():
        version = constraint.get("version") if isinstance(constraint, dict) else constraint
        if isinstance(version, str):
            found.append((f"{name}{_poetry_to_pip(version)}", "pyproject.toml"))
    return found


def _poetry_to_pip(constraint: str) -> str:
    """Poetry's `^6.2` / `~6.2` / `6.2.0` as a pip specifier."""
    constraint = constraint.strip()
    if constraint[:1] in "^~":
        base = constraint[1:]
        parts = [int(p) for p in re.findall(r"\d+", base)[:3]] or [0]
        upper = [parts[0] + 1] if constraint[0] == "^" or len(parts) == 1 else [parts[0], parts[1] + 1]
        return f">={base},<{'.'.join(map(str, upper))}"
    if constraint[:1].isdigit():
        return f"=={constraint}"
    return constraint


def pin_excludes(specifier: str, version: str) -> bool:
    """True when `version` does not satisfy `specifier` (both as pip understands them)."""
    from packaging.specifiers import InvalidSpecifier, SpecifierSet
    from packaging.version import InvalidVersion, Version

    try:
        return not SpecifierSet(specifier).contains(Version(version), prereleases=True)
    except (InvalidSpecifier, InvalidVersion):
        return False
