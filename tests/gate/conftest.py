"""Python environments other than ferpaguard's own, built once and cached across runs.

They live in `$XDG_CACHE_HOME/ferpaguard-tests/venvs/` (default `~/.cache`), one directory
per requirement set, built in a temporary sibling and renamed when complete, so an
interrupted build is never used. Building one needs the package index (pip's cache helps).
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

CACHE = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "ferpaguard-tests" / "venvs"
BUILD_TIMEOUT = 900


def build_venv(requirements: tuple[str, ...]) -> Path:
    key = hashlib.sha256(" ".join((sys.version, *requirements)).encode()).hexdigest()[:12]
    target = CACHE / f"{'-'.join(r.replace('==', '') for r in requirements) or 'bare'}-{key}"
    if (target / "bin" / "python").is_file():
        return target
    building = target.with_name(target.name + f".building-{os.getpid()}")
    shutil.rmtree(building, ignore_errors=True)
    building.parent.mkdir(parents=True, exist_ok=True)
    subprocess.run([sys.executable, "-m", "venv", str(building)], check=True, timeout=BUILD_TIMEOUT)
    if requirements:
        subprocess.run(
            [str(building / "bin" / "python"), "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
             *requirements],
            check=True,
            timeout=BUILD_TIMEOUT,
        )
    # Only `bin/python` is used, which finds its environment through pyvenv.cfg wherever it lives.
    shutil.rmtree(target, ignore_errors=True)
    building.rename(target)
    return target


@pytest.fixture(scope="session")
def python_env() -> Callable[..., Path]:
    """`python_env("pulumi-aws==6.83.4")` -> the environment's directory (built on first use)."""
    built: dict[tuple[str, ...], Path] = {}

    def get(*requirements: str) -> Path:
        if requirements not in built:
            built[requirements] = build_venv(requirements)
        return built[requirements]

    return get
