"""Putting a run's output files into the output directory all at once, or not at all.

Every file is first written into a fresh directory beside the target
(`.<name>.partial-XXXX`); only when every writer (and the bundle's signer)
has finished are the files moved into place. A new output directory is one
rename; into an existing one each file is moved with `os.replace`, so no file
is ever seen half-written. On any failure the staging directory is removed
and the target is left as it was.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path


class PublishError(Exception):
    """The output directory cannot take this run's files; the message says why, in one line."""


def _files(directory: Path) -> set[str]:
    found = set()
    for root, _dirs, names in os.walk(directory):
        for name in names:
            found.add(Path(root, name).relative_to(directory).as_posix())
    return found


def check_target(output_dir: Path) -> None:
    """Refuse, before anything is written, an output directory that is not one."""
    if output_dir.exists() and not output_dir.is_dir():
        raise PublishError(f"{output_dir}: exists and is not a directory")


def publish(output_dir: Path, write: Callable[[Path], list[Path]], *, only_own_files: bool) -> list[Path]:
    """Run `write(staging_dir)` and move what it wrote into `output_dir`; returns the final paths.

    `only_own_files` (a bundle signs its whole directory) refuses an existing directory that holds
    files this run does not write, before any of them is touched.
    """
    check_target(output_dir)
    parent = output_dir.absolute().parent
    parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{output_dir.name}.partial-", dir=parent))
    try:
        umask = os.umask(0)
        os.umask(umask)
        staging.chmod(0o777 & ~umask)
        written = write(staging)
        ours = _files(staging)
        existing = _files(output_dir) if output_dir.is_dir() else set()
        foreign = sorted(existing - ours)
        if foreign and only_own_files:
            raise PublishError(
                f"{output_dir} holds {len(foreign)} file(s) this run did not write (first: {foreign[0]}); "
                "a bundle signs the whole directory: use an empty one"
            )
        if not output_dir.exists():
            staging.rename(output_dir)
        else:
            for relative in sorted(ours):
                target = output_dir / relative
                target.parent.mkdir(parents=True, exist_ok=True)
                os.replace(staging / relative, target)
            shutil.rmtree(staging)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return [output_dir / path.relative_to(staging) for path in written]
