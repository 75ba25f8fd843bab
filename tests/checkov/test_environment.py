"""Which interpreter checkov runs under, and ferpaguard's own checkov environment: created once, under a lock."""

from __future__ import annotations

import os
import stat
import sys
import threading
import time
from pathlib import Path

import pytest

from ferpaguard.checkov import environment
from ferpaguard.checkov.environment import CheckovUnavailable, ensure_environment, find, script_python


def executable(path: Path, text: str = "#!/bin/sh\nexit 0\n") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    path.chmod(path.stat().st_mode | stat.S_IXUSR)
    return path


@pytest.fixture
def no_checkov_anywhere(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """No interpreter named, no checkov on PATH, an empty cache directory (returned)."""
    monkeypatch.delenv(environment.ENV_VAR, raising=False)
    empty_bin = tmp_path / "empty-bin"
    empty_bin.mkdir()
    monkeypatch.setenv("PATH", str(empty_bin))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    return tmp_path / "cache" / "ferpaguard"


def requirements(tmp_path: Path, pin: str = "checkov==9.9.9") -> Path:
    path = tmp_path / "requirements.txt"
    tmp_path.mkdir(parents=True, exist_ok=True)
    path.write_text(f"# a comment\n{pin}\n")
    return path


class FakeCreator:
    """Creates what a virtualenv needs for `is_ready` (bin/python), slowly, and counts its calls."""

    def __init__(self, delay: float = 0.0, fail: str = "") -> None:
        self.delay, self.fail, self.calls = delay, fail, 0
        self.lock = threading.Lock()

    def __call__(self, target: Path, requirements: Path) -> None:
        with self.lock:
            self.calls += 1
        executable(target / "bin" / "python")
        time.sleep(self.delay)
        if self.fail:
            raise CheckovUnavailable(self.fail)


def test_the_pin_is_read_from_the_shipped_requirements_and_names_the_directory() -> None:
    version = environment.pinned_version()
    assert f"checkov=={version}" in environment.REQUIREMENTS.read_text()
    assert environment.environment_dir(Path("/c")) == Path(f"/c/checkov-{version}")


def test_root_requirements_file_points_at_the_one_pin(repo_root: Path) -> None:
    lines = [line for line in (repo_root / "requirements-checkov.txt").read_text().splitlines()
             if line.strip() and not line.startswith("#")]
    assert lines == ["-r ferpaguard/checkov/requirements.txt"]
    for beside_the_pack in ("requirements.txt", "requirements-dev.txt"):
        assert not any(line.startswith("checkov") for line in (repo_root / beside_the_pack).read_text().splitlines())


def test_cache_root_follows_xdg_and_ignores_a_relative_one(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert environment.cache_root() == tmp_path / "ferpaguard"
    monkeypatch.setenv("XDG_CACHE_HOME", "relative/dir")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert environment.cache_root() == tmp_path / "home" / ".cache" / "ferpaguard"


def test_the_named_interpreter_wins_over_the_variable_and_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                               no_checkov_anywhere: Path) -> None:
    named = executable(tmp_path / "named" / "python")
    from_env = executable(tmp_path / "env" / "python")
    executable(Path(os.environ["PATH"]) / "checkov", f"#!{from_env}\n")
    monkeypatch.setenv(environment.ENV_VAR, str(from_env))
    assert find(named).python == named
    assert find(named).origin == "--checkov-python"
    assert find(None).python == from_env
    assert find(None).origin == environment.ENV_VAR


def test_a_virtualenv_directory_or_a_command_name_can_be_named(tmp_path: Path, no_checkov_anywhere: Path) -> None:
    venv_python = executable(tmp_path / "venv" / "bin" / "python")
    assert find(tmp_path / "venv").python == venv_python
    on_path = executable(Path(os.environ["PATH"]) / "python3.99")
    assert find("python3.99").python == on_path


@pytest.mark.parametrize("named", ["/nonexistent/python", "no-such-python-command"])
def test_a_named_interpreter_that_is_not_there_is_one_clear_error(named: str, no_checkov_anywhere: Path) -> None:
    with pytest.raises(CheckovUnavailable, match=r"^--checkov-python .*: not an executable Python interpreter$"):
        find(named)
    assert not no_checkov_anywhere.exists()  # no environment was created behind the user's back


def test_a_checkov_on_path_gives_the_python_of_its_shebang(tmp_path: Path, no_checkov_anywhere: Path) -> None:
    python = executable(tmp_path / "pipx" / "venvs" / "checkov" / "bin" / "python3")
    script = executable(Path(os.environ["PATH"]) / "checkov", f"#!{python} -E\nimport checkov.main\n")
    found = find(None)
    assert found.python == python
    assert found.origin == f"PATH (checkov at {script})"
    assert not no_checkov_anywhere.exists()


def test_shebang_forms(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    long_dir = tmp_path / ("very-long-directory-name-" * 6) / "bin"
    python = executable(long_dir / "python")
    pip_long_form = executable(tmp_path / "a" / "checkov", f"#!/bin/sh\n'''exec' \"{python}\" \"$0\" \"$@\"\n' '''\n")
    assert script_python(pip_long_form) == python
    env_python = executable(tmp_path / "bin" / "python3.12")
    monkeypatch.setenv("PATH", str(tmp_path / "bin"))
    assert script_python(executable(tmp_path / "b" / "checkov", "#!/usr/bin/env python3.12\n")) == env_python
    beside = executable(tmp_path / "venv" / "bin" / "python")
    assert script_python(executable(tmp_path / "venv" / "bin" / "checkov", "#!/bin/false\n")) == beside
    assert script_python(executable(tmp_path / "c" / "checkov", "\x7fELF binary")) is None


def test_without_anything_ferpaguard_creates_its_own_environment_once(no_checkov_anywhere: Path) -> None:
    reqs = requirements(no_checkov_anywhere.parent)
    creator, messages = FakeCreator(), []
    python = ensure_environment(no_checkov_anywhere, reqs, progress=messages.append, create=creator)
    assert python == no_checkov_anywhere / "checkov-9.9.9" / "bin" / "python"
    assert messages == [f"creating checkov's environment (once) in {no_checkov_anywhere / 'checkov-9.9.9'} ..."]
    assert ensure_environment(no_checkov_anywhere, reqs, progress=messages.append, create=creator) == python
    assert creator.calls == 1 and len(messages) == 1


def test_changed_requirements_recreate_the_environment(no_checkov_anywhere: Path) -> None:
    reqs = requirements(no_checkov_anywhere.parent)
    creator = FakeCreator()
    python = ensure_environment(no_checkov_anywhere, reqs, progress=lambda _: None, create=creator)
    leftover = python.parent.parent / "from-the-old-requirements"
    leftover.write_text("x")
    reqs.write_text(reqs.read_text() + "some-extra==1.0\n")
    assert ensure_environment(no_checkov_anywhere, reqs, progress=lambda _: None, create=creator) == python
    assert creator.calls == 2 and not leftover.exists()


def test_two_first_uses_at_once_create_it_once(no_checkov_anywhere: Path) -> None:
    reqs = requirements(no_checkov_anywhere.parent)
    creator, messages, results = FakeCreator(delay=1.0), [], []
    threads = [threading.Thread(target=lambda: results.append(
        ensure_environment(no_checkov_anywhere, reqs, progress=messages.append, create=creator))) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert creator.calls == 1
    assert len(results) == 3 and len(set(results)) == 1
    assert sum(m.startswith("creating checkov's environment (once)") for m in messages) == 1
    assert sum(m.startswith("waiting for another ferpaguard") for m in messages) == 2


def test_a_failed_creation_leaves_nothing_half_made_and_says_why_in_one_line(no_checkov_anywhere: Path) -> None:
    reqs = requirements(no_checkov_anywhere.parent)
    with pytest.raises(CheckovUnavailable) as raised:
        ensure_environment(no_checkov_anywhere, reqs, progress=lambda _: None, create=FakeCreator(fail="no wheel"))
    assert str(raised.value) == f"cannot create checkov's environment in {no_checkov_anywhere / 'checkov-9.9.9'}: " \
                                "no wheel"
    assert not (no_checkov_anywhere / "checkov-9.9.9").exists()
    # the next use tries again
    assert ensure_environment(no_checkov_anywhere, reqs, progress=lambda _: None, create=FakeCreator()).is_file()


def test_a_cache_directory_that_cannot_be_made_is_one_clear_error(tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-directory"
    blocker.write_text("")
    with pytest.raises(CheckovUnavailable, match=r"^cannot create checkov's environment in .*not-a-directory.*: "):
        ensure_environment(blocker / "ferpaguard", requirements(tmp_path), progress=lambda _: None,
                           create=FakeCreator())


def test_pip_failing_gives_its_error_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A real virtualenv and a real pip, pointed at a package index on loopback where nothing listens."""
    monkeypatch.setenv("PIP_INDEX_URL", "http://127.0.0.1:9/simple")
    monkeypatch.setenv("PIP_NO_CACHE_DIR", "1")
    monkeypatch.setenv("PIP_RETRIES", "0")
    monkeypatch.setenv("PIP_TIMEOUT", "2")
    for name in ("PIP_NO_INDEX", "PIP_FIND_LINKS", "PIP_EXTRA_INDEX_URL"):
        monkeypatch.delenv(name, raising=False)
    with pytest.raises(CheckovUnavailable) as raised:
        ensure_environment(tmp_path / "cache", requirements(tmp_path, "checkov==3.3.30"), progress=lambda _: None)
    message = str(raised.value)
    assert message.startswith(f"cannot create checkov's environment in {tmp_path / 'cache' / 'checkov-3.3.30'}: "
                              "`-m pip install` failed: ERROR: ")
    assert "\n" not in message and "Traceback" not in message
    assert not (tmp_path / "cache" / "checkov-3.3.30").exists()


def test_the_module_creates_and_prints_the_environment(no_checkov_anywhere: Path) -> None:
    """`python -m ferpaguard.checkov.environment` (the Makefile's test target runs it) on a ready environment."""
    import subprocess

    target = environment.environment_dir(no_checkov_anywhere)
    ensure_environment(no_checkov_anywhere, progress=lambda _: None, create=FakeCreator())
    done = subprocess.run([sys.executable, "-m", "ferpaguard.checkov.environment"], capture_output=True, text=True,
                          timeout=60, check=False, env={**os.environ})
    assert (done.returncode, done.stdout, done.stderr) == (0, f"{target / 'bin' / 'python'}\n", "")
