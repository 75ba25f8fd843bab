"""The Python interpreter checkov runs under: never ferpaguard's own.

checkov 3.3 caps packaging<24 while current pulumi needs packaging>=26, so the two
cannot share an environment. checkov's interpreter is, in order:

1. the one the user names: `--checkov-python PATH`, else `FERPAGUARD_CHECKOV_PYTHON`
   (an interpreter, a command on PATH, or a virtualenv directory);
2. the interpreter of a `checkov` command on PATH (read from its script's shebang);
3. ferpaguard's own virtualenv, `<user cache>/ferpaguard/checkov-<version>/`, created on
   first use from `requirements.txt` beside this module (the one pin), under a lock file
   so that two first uses at once create it once.

`python -m ferpaguard.checkov.environment` creates (3) if needed and prints its interpreter.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Final

ENV_VAR: Final = "FERPAGUARD_CHECKOV_PYTHON"
REQUIREMENTS: Final = Path(__file__).with_name("requirements.txt")
READY_MARKER: Final = ".ferpaguard-ready"  # holds the requirements' digest; written last
CREATE_TIMEOUT: Final = 1800.0
_PIN = re.compile(r"^\s*checkov\s*==\s*([\w.+-]+)\s*(?:#.*)?$", re.MULTILINE)


class CheckovUnavailable(Exception):
    """checkov cannot be run, or gave nothing usable; the message is one line for the user."""


@dataclass(frozen=True, slots=True)
class CheckovPython:
    python: Path
    origin: str  # where it came from, for messages: "--checkov-python", "PATH (checkov at ...)", ...


def pinned_version(requirements: Path = REQUIREMENTS) -> str:
    found = _PIN.search(requirements.read_text(encoding="utf-8"))
    if found is None:
        raise CheckovUnavailable(f"{requirements}: no `checkov==VERSION` pin")
    return found.group(1)


def cache_root() -> Path:
    """`$XDG_CACHE_HOME/ferpaguard`, else `~/.cache/ferpaguard` (a relative XDG_CACHE_HOME is ignored)."""
    xdg = os.environ.get("XDG_CACHE_HOME", "")
    base = Path(xdg) if xdg and Path(xdg).is_absolute() else Path.home() / ".cache"
    return base / "ferpaguard"


def find(explicit: str | os.PathLike[str] | None = None, progress: Callable[[str], None] | None = None,
         root: Path | None = None) -> CheckovPython:
    """checkov's interpreter, creating ferpaguard's own environment when nothing else is there."""
    if explicit is not None and str(explicit):
        return CheckovPython(_named_python(str(explicit), "--checkov-python"), "--checkov-python")
    from_env = os.environ.get(ENV_VAR, "")
    if from_env:
        return CheckovPython(_named_python(from_env, ENV_VAR), ENV_VAR)
    on_path = shutil.which("checkov")
    if on_path is not None:
        python = script_python(Path(on_path))
        if python is not None:
            return CheckovPython(python, f"PATH (checkov at {on_path})")
    python = ensure_environment(root or cache_root(), progress=progress or _stderr)
    return CheckovPython(python, "ferpaguard's checkov environment")


def _named_python(named: str, origin: str) -> Path:
    candidate = Path(named).expanduser()
    if candidate.is_dir():
        candidate = candidate / "bin" / "python"
    elif os.sep not in named and not candidate.exists():
        found = shutil.which(named)
        candidate = Path(found) if found else candidate
    if not candidate.is_file() or not os.access(candidate, os.X_OK):
        raise CheckovUnavailable(f"{origin} {named}: not an executable Python interpreter")
    return candidate.absolute()


def script_python(script: Path) -> Path | None:
    """The interpreter a console script runs under: its shebang, pip's `/bin/sh` form for long paths,
    or the `python` beside it in a virtualenv's bin directory."""
    try:
        with script.open("rb") as handle:
            head = handle.read(1024).decode("utf-8", errors="replace").splitlines()
    except OSError:
        return None
    candidates: list[str] = []
    if head and head[0].startswith("#!"):
        words = head[0][2:].split()
        if words and Path(words[0]).name == "env" and len(words) > 1:
            candidates.append(shutil.which(words[-1]) or "")
        elif words and Path(words[0]).name in ("sh", "bash") and len(head) > 1:
            exec_line = re.match(r"""^'''exec' (?:"([^"]+)"|(\S+))""", head[1])
            if exec_line:
                candidates.append(exec_line.group(1) or exec_line.group(2))
        elif words:
            candidates.append(words[0])
    candidates.append(str(script.resolve().parent / "python"))
    for candidate in candidates:
        path = Path(candidate)
        if candidate and path.is_file() and os.access(path, os.X_OK) and "python" in path.name:
            return path
    return None


def environment_dir(root: Path, requirements: Path = REQUIREMENTS) -> Path:
    return root / f"checkov-{pinned_version(requirements)}"


def _digest(requirements: Path) -> str:
    return hashlib.sha256(requirements.read_bytes()).hexdigest()


def is_ready(target: Path, requirements: Path = REQUIREMENTS) -> bool:
    marker = target / READY_MARKER
    try:
        return marker.read_text(encoding="utf-8").strip() == _digest(requirements) and _venv_python(target).is_file()
    except OSError:
        return False


def _venv_python(target: Path) -> Path:
    return target / "bin" / "python"


def _stderr(message: str) -> None:
    sys.stderr.write(f"{message}\n")
    sys.stderr.flush()


@contextmanager
def _locked(lock_path: Path, progress: Callable[[str], None]) -> Iterator[None]:
    with lock_path.open("a") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            progress("waiting for another ferpaguard creating checkov's environment ...")
            fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


Creator = Callable[[Path, Path], None]


def create_virtualenv(target: Path, requirements: Path) -> None:
    """A fresh virtualenv at `target` with `requirements` installed (raises CheckovUnavailable)."""
    steps = [
        [sys.executable, "-m", "venv", str(target)],
        [str(_venv_python(target)), "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
         "-r", str(requirements)],
    ]
    for step in steps:
        try:
            done = subprocess.run(step, capture_output=True, text=True, timeout=CREATE_TIMEOUT, check=False,
                                  stdin=subprocess.DEVNULL)
        except subprocess.TimeoutExpired:
            raise CheckovUnavailable(f"`{' '.join(step[1:4])}` took longer than {CREATE_TIMEOUT:.0f} s") from None
        except OSError as error:
            raise CheckovUnavailable(f"cannot run {step[0]}: {error.strerror or error}") from None
        if done.returncode != 0:
            lines = [line.strip() for line in (done.stderr + done.stdout).splitlines() if line.strip()]
            errors = [line for line in lines if line.startswith("ERROR")]
            reason = (errors or lines or [f"exit code {done.returncode}"])[-1]
            raise CheckovUnavailable(f"`{' '.join(step[1:4])}` failed: {reason[:300]}")


def ensure_environment(root: Path, requirements: Path = REQUIREMENTS, progress: Callable[[str], None] = _stderr,
                       create: Creator = create_virtualenv) -> Path:
    """The interpreter of ferpaguard's checkov environment under `root`, created first if missing or stale."""
    target = environment_dir(root, requirements)
    if is_ready(target, requirements):
        return _venv_python(target)
    try:
        root.mkdir(parents=True, exist_ok=True)
        with _locked(root / f"{target.name}.lock", progress):
            if is_ready(target, requirements):  # another process made it while this one waited
                return _venv_python(target)
            progress(f"creating checkov's environment (once) in {target} ...")
            shutil.rmtree(target, ignore_errors=True)  # a half-made one from an interrupted attempt
            try:
                create(target, requirements)
                (target / READY_MARKER).write_text(_digest(requirements) + "\n", encoding="utf-8")
            except BaseException:
                shutil.rmtree(target, ignore_errors=True)
                raise
    except CheckovUnavailable as error:
        raise CheckovUnavailable(f"cannot create checkov's environment in {target}: {error}") from None
    except OSError as error:
        where = error.filename or target
        raise CheckovUnavailable(
            f"cannot create checkov's environment in {target}: {where}: {error.strerror or error}"
        ) from None
    return _venv_python(target)


def main() -> int:
    try:
        print(ensure_environment(cache_root()))
    except CheckovUnavailable as error:
        _stderr(f"ferpaguard: error: {error}")
        return 2
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
