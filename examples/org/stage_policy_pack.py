#!/usr/bin/env python3
"""Copy the ferpaguard policy pack, and nothing else, into a directory for `pulumi policy publish`.

`pulumi policy publish` uploads the whole pack directory except what `.gitignore` files exclude, so
publishing from the repository root would upload tests/, stack/, docs/ and bench/ too. This copies
only what the pack runs from, plus a .gitignore that keeps the virtualenv `pulumi install` creates
out of the archive:

    python examples/org/stage_policy_pack.py /tmp/ferpaguard-pack
    cd /tmp/ferpaguard-pack && pulumi install && pulumi policy publish <org>

The destination must lie outside the repository: the CLI also applies the .gitignore files of the
directories above the pack, and the repository's own (`dist/`, `build/`, ...) could exclude every file.
Standard library only.
"""

from __future__ import annotations

import argparse
import shutil
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
PACK_FILES = ("PulumiPolicy.yaml", "__main__.py", "requirements.txt", "LICENSE")
PACK_PACKAGES = ("policies",)
STAGED_GITIGNORE = "# Created by `pulumi install`; never part of the published pack.\n.venv/\n__pycache__/\n*.pyc\n"
NOT_SHIPPED = shutil.ignore_patterns("__pycache__", "*.pyc", ".pytest_cache")


class StagingError(Exception):
    """The destination cannot hold a publishable pack; the message says why."""


def ancestor_gitignores(directory: Path) -> list[Path]:
    """The .gitignore files above `directory` that `pulumi policy publish` would also apply."""
    return [parent / ".gitignore" for parent in directory.parents if (parent / ".gitignore").is_file()]


def stage(destination: Path, source: Path = REPO_ROOT) -> list[Path]:
    """Copy the pack from `source` into `destination` (absent or empty); return the files written."""
    destination = destination.resolve()
    source = source.resolve()
    if destination == source or source in destination.parents:
        raise StagingError(f"{destination} is inside the repository; choose a directory outside {source}")
    if destination.exists() and (not destination.is_dir() or any(destination.iterdir())):
        raise StagingError(f"{destination} exists and is not an empty directory")
    destination.mkdir(parents=True, exist_ok=True)
    for name in PACK_FILES:
        shutil.copy2(source / name, destination / name)
    for package in PACK_PACKAGES:
        shutil.copytree(source / package, destination / package, ignore=NOT_SHIPPED)
    (destination / ".gitignore").write_text(STAGED_GITIGNORE, encoding="utf-8")
    return sorted(path for path in destination.rglob("*") if path.is_file())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("destination", type=Path, help="empty or absent directory outside the repository")
    args = parser.parse_args(argv)
    try:
        files = stage(args.destination)
    except (StagingError, OSError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    destination = args.destination.resolve()
    print(f"staged {len(files)} files in {destination}")
    for ignore_file in ancestor_gitignores(destination):
        print(f"note: `pulumi policy publish` will also apply {ignore_file}", file=sys.stderr)
    print(f"next: cd {destination} && pulumi install && pulumi policy publish <org>")
    return 0


if __name__ == "__main__":
    sys.exit(main())
