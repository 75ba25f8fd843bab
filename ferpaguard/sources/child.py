"""A child process that runs in a process group of its own and ends with everything it started.

- The child writes its result to a pipe of its own (fd passed by number); its
  stdout and stderr (and those of whatever it starts) go to a second pipe,
  kept for diagnosis. Neither is read to end-of-file before the child itself
  has exited, so a background process left behind (`Popen`, `fork`) that still
  holds a copy of a pipe cannot hold the caller.
- When the child exits, times out or is cancelled, its whole process group is
  killed: nothing it started outlives the run.
- SIGTERM and SIGINT to the caller (a CI timeout, Ctrl-C) kill every live
  group first and then take their usual course.
"""

from __future__ import annotations

import os
import signal
import subprocess
import threading
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

POLL_SECONDS = 0.02
DRAIN_GRACE_SECONDS = 2.0
LOG_TAIL_BYTES = 64 * 1024
_STOP_SIGNALS = (signal.SIGTERM, signal.SIGINT)

_live: set[ChildGroup] = set()
_previous_handlers: dict[int, Any] = {}
_lock = threading.RLock()
"""Re-entrant: a stop signal may arrive while the main thread holds it."""


class _Drain(threading.Thread):
    """Reads a pipe into memory until end-of-file, or until abandoned."""

    def __init__(self, fd: int, keep_tail: int | None = None) -> None:
        super().__init__(daemon=True)
        self.fd, self.keep_tail = fd, keep_tail
        self.chunks: list[bytes] = []
        self.size = 0

    def run(self) -> None:
        try:
            while chunk := os.read(self.fd, 1 << 16):
                self.chunks.append(chunk)
                self.size += len(chunk)
                if self.keep_tail is not None and self.size > 2 * self.keep_tail:
                    data = b"".join(self.chunks)[-self.keep_tail :]
                    self.chunks, self.size = [data], len(data)
        except OSError:
            pass
        finally:
            os.close(self.fd)

    def data(self) -> bytes:
        self.join(DRAIN_GRACE_SECONDS)
        data = b"".join(self.chunks)
        return data[-self.keep_tail :] if self.keep_tail is not None else data


class ChildGroup:
    """`argv` with `job` on its stdin; the result fd number is appended to argv."""

    def __init__(self, argv: Sequence[str], job: bytes, cwd: Path, env: Mapping[str, str]) -> None:
        result_reader, result_writer = os.pipe()
        log_reader, log_writer = os.pipe()
        job_reader, job_writer = os.pipe()
        try:
            self.process = subprocess.Popen(
                [*argv, str(result_writer)],
                stdin=job_reader,
                stdout=log_writer,
                stderr=log_writer,
                cwd=cwd,
                env=dict(env),
                pass_fds=(result_writer,),
                start_new_session=True,
            )
        except OSError:
            for fd in (result_reader, log_reader, job_writer):
                os.close(fd)
            raise
        finally:
            for fd in (result_writer, log_writer, job_reader):
                os.close(fd)
        self._ended = False
        self.stopped_by: str | None = None
        """The stop signal that ended the group, if one did."""
        self._result, self._log = _Drain(result_reader), _Drain(log_reader, LOG_TAIL_BYTES)
        self._result.start()
        self._log.start()
        _register(self)
        # The child reads its whole job first thing; a thread keeps a large job from blocking the caller.
        threading.Thread(target=_write_all, args=(job_writer, job), daemon=True).start()

    @property
    def returncode(self) -> int | None:
        return self.process.returncode

    def wait(self, timeout: float) -> bool:
        """Wait for the child to exit (True) or for `timeout` (False); then end its group."""
        deadline = time.monotonic() + timeout
        exited = False
        while not exited:
            exited = self._exited()
            if not exited and time.monotonic() >= deadline:
                break
            if not exited:
                time.sleep(POLL_SECONDS)
        self.end()
        return exited

    def _exited(self) -> bool:
        # WNOWAIT leaves the child unreaped, so its process group id cannot be reused before we kill the group.
        if not hasattr(os, "waitid"):
            return self.process.poll() is not None
        try:
            return os.waitid(os.P_PID, self.process.pid, os.WEXITED | os.WNOHANG | os.WNOWAIT) is not None
        except ChildProcessError:
            return True

    def end(self, stopped_by: str | None = None) -> None:
        """Kill the whole group (idempotent), reap the child."""
        with _lock:
            if self._ended:
                return
            self._ended = True
            self.stopped_by = stopped_by
        try:
            os.killpg(self.process.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        self.process.wait()
        _unregister(self)

    def result(self) -> bytes:
        return self._result.data()

    def log(self) -> str:
        return self._log.data().decode(errors="replace")


def _write_all(fd: int, data: bytes) -> None:
    try:
        with os.fdopen(fd, "wb") as pipe:
            pipe.write(data)
    except OSError:
        pass


def _register(group: ChildGroup) -> None:
    with _lock:
        _live.add(group)
        if threading.current_thread() is not threading.main_thread():
            return
        for signum in _STOP_SIGNALS:
            if signum not in _previous_handlers:
                _previous_handlers[signum] = signal.getsignal(signum)
                signal.signal(signum, _on_stop_signal)


def _unregister(group: ChildGroup) -> None:
    with _lock:
        _live.discard(group)
        if _live or threading.current_thread() is not threading.main_thread():
            return
        for signum, handler in list(_previous_handlers.items()):
            if signal.getsignal(signum) is _on_stop_signal:
                signal.signal(signum, handler)
            del _previous_handlers[signum]


def _on_stop_signal(signum: int, frame: Any) -> None:
    previous = _previous_handlers.get(signum, signal.SIG_DFL)
    for group in list(_live):
        group.end(signal.Signals(signum).name)
    signal.signal(signum, previous)
    if callable(previous):
        previous(signum, frame)
    elif previous != signal.SIG_IGN:
        os.kill(os.getpid(), signum)
