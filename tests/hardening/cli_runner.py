"""Running the ferpaguard CLI in-process (fast) or as a subprocess (real), and
checking the promise every run keeps: exit 0, 1 or 2, never a traceback, and
for exit 2 one line on stderr."""

from __future__ import annotations

import contextlib
import io
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from ferpaguard.cli import main

REPO_ROOT = Path(__file__).resolve().parents[2]


@dataclass(frozen=True, slots=True)
class Done:
    code: int
    stdout: str
    stderr: str

    @property
    def error_lines(self) -> list[str]:
        return [line for line in self.stderr.splitlines() if line.strip()]


def run_in_process(*args: str) -> Done:
    out, err = io.StringIO(), io.StringIO()
    code: int | str | None = 0
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            main(list(args))
        except SystemExit as stop:
            code = stop.code
    assert isinstance(code, int), f"exit code {code!r}"
    return Done(code, out.getvalue(), err.getvalue())


def run_subprocess(*args: str, timeout: float = 300) -> Done:
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "NO_COLOR": "1", "COLUMNS": "200",
           "HOME": os.environ.get("HOME", "/tmp")}
    done = subprocess.run([sys.executable, "-m", "ferpaguard", *args], cwd=REPO_ROOT, capture_output=True,
                          timeout=timeout, env=env, check=False)
    return Done(done.returncode, done.stdout.decode(errors="replace"), done.stderr.decode(errors="replace"))


def assert_kept_promise(done: Done, named: str | None = None) -> None:
    """Exit 0/1/2 without a traceback; exit 2 is one `ferpaguard: error:` line naming `named`."""
    assert done.code in (0, 1, 2), done
    for text in (done.stdout, done.stderr):
        assert "Traceback" not in text, text[-2000:]
        assert "RecursionError" not in text, text[-2000:]
    assert "internal error" not in done.stderr, done.stderr[-2000:]
    if done.code == 2:
        assert len(done.error_lines) == 1, done.stderr[-2000:]
        assert done.error_lines[0].startswith("ferpaguard: error: "), done.stderr[-2000:]
        if named is not None:
            assert named in done.error_lines[0], done.error_lines[0]
