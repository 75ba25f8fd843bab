"""Which files `pulumi policy publish` puts into a Python policy pack's archive.

A model of the Pulumi CLI's behaviour, from its source (pulumi/pulumi):
- pkg/backend/httpstate/policypack.go: a pack whose runtime is not nodejs is archived with
  archive.TGZ(packDir, "package", useDefaultExcludes=true);
- sdk/go/common/util/archive/archive.go: the only ignore files read are named `.gitignore`: the one in
  each directory walked (applying to everything below it) and, for the pack directory, those of its
  ancestors up to but not including the filesystem root. `.git` in any walked directory is skipped.
  Ignore rules are tested on files only: directories are always walked, so a directory pattern
  excludes the files under it. Symlinks are followed; other special files are skipped;
- sdk/go/common/util/archive/ignorer_gitignore.go: a file is tested against a .gitignore with its path
  relative to that file's directory, keeping the leading "/";
- patterns are compiled by github.com/sabhiram/go-gitignore (v0.0.0-20210923224102-525f6e181f06), a
  regular-expression translation that differs from git in places (`?` is literal, for one); the
  translation below follows that library, not git.
There is no `.pulumiignore` for policy packs.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

MAGIC_STAR = "#$~"
SLASH_GLOB_DOT = re.compile(r"([^/+])/.*\*\.")


@dataclass(frozen=True, slots=True)
class Pattern:
    regex: re.Pattern[str]
    negate: bool


def compile_line(line: str) -> Pattern | None:
    """One .gitignore line as go-gitignore compiles it; None for blanks, comments and invalid patterns."""
    line = line.rstrip("\r")
    if line.startswith("#"):
        return None
    line = line.strip(" ")
    if not line:
        return None
    negate = line.startswith("!")
    if negate:
        line = line[1:]
    if line[:1] in ("#", "!"):
        line = line[1:]
    if SLASH_GLOB_DOT.search(line) and not line.startswith("/"):
        line = "/" + line
    line = line.replace(".", r"\.")
    if line.startswith("/**/"):
        line = line[1:]
    line = line.replace("/**/", "(/|/.+/)")
    line = line.replace("**/", f"(|.{MAGIC_STAR}/)")
    line = line.replace("/**", f"(|/.{MAGIC_STAR})")
    line = line.replace("\\*", "\\" + MAGIC_STAR)
    line = line.replace("*", "([^/]*)")
    line = line.replace("?", r"\?")
    line = line.replace(MAGIC_STAR, "*")
    expr = line + ("(|.*)$" if line.endswith("/") else "(|/.*)$")
    expr = "^(|/)" + expr[1:] if expr.startswith("/") else "^(|.*/)" + expr
    try:
        return Pattern(re.compile(expr), negate)
    except re.error:
        return None


@dataclass(frozen=True, slots=True)
class GitIgnore:
    base: str
    patterns: tuple[Pattern, ...]

    @classmethod
    def read(cls, path: str) -> GitIgnore:
        with open(path, encoding="utf-8", errors="surrogateescape") as handle:
            lines = handle.read().split("\n")
        compiled = (compile_line(line) for line in lines)
        return cls(os.path.dirname(path), tuple(p for p in compiled if p is not None))

    def matches(self, relative: str) -> bool:
        matched = False
        for pattern in self.patterns:
            if pattern.regex.search(relative):
                if not pattern.negate:
                    matched = True
                elif matched:
                    matched = False
        return matched

    def ignores(self, full_path: str) -> bool:
        return self.matches(full_path.removeprefix(self.base))


@dataclass(frozen=True, slots=True)
class GitDir:
    path: str

    def ignores(self, full_path: str) -> bool:
        return full_path == self.path or full_path.startswith(self.path + os.sep)


Ignorer = GitIgnore | GitDir


def packed_files(pack_dir: Path) -> list[str]:
    """Archive member names (relative, "/"-separated, without the "package/" prefix), sorted."""
    root = str(pack_dir.resolve())
    ignores: tuple[Ignorer, ...] = tuple(
        GitIgnore.read(os.path.join(parent, ".gitignore"))
        for parent in _ancestors(root)
        if os.path.isfile(os.path.join(parent, ".gitignore"))
    )
    found: list[str] = []
    _walk(root, root, ignores, found)
    return sorted(found)


def _ancestors(root: str) -> list[str]:
    parents = []
    parent = os.path.dirname(root)
    while parent != os.path.dirname(parent):
        parents.append(parent)
        parent = os.path.dirname(parent)
    return parents


def _walk(root: str, directory: str, ignores: tuple[Ignorer, ...], found: list[str]) -> None:
    ignore_file = os.path.join(directory, ".gitignore")
    if os.path.isfile(ignore_file):
        ignores = (*ignores, GitIgnore.read(ignore_file))
    git_dir = os.path.join(directory, ".git")
    if os.path.lexists(git_dir):
        ignores = (*ignores, GitDir(git_dir))
    with os.scandir(directory) as entries:
        names = [entry.name for entry in entries]
    for name in names:
        full = os.path.join(directory, name)
        is_real_dir = os.path.isdir(full) and not os.path.islink(full)
        if not is_real_dir and any(ignorer.ignores(full) for ignorer in ignores):
            continue
        if os.path.isdir(full):
            _walk(root, full, ignores, found)
        elif os.path.isfile(full):
            found.append(os.path.relpath(full, root).replace(os.sep, "/"))
