"""Reading files ferpaguard did not write, within bounds.

Every input is read through `read_bounded`: a size limit per kind of input
(raised with an environment variable, below), regular files only where a file
is expected (a device, FIFO or socket is refused before any byte is read), and
standard input read in blocks up to the same limit. YAML goes through
`load_yaml`, which refuses documents whose aliases would expand past
`YAML_MAX_EXPANDED_NODES` nodes (an alias bomb is a few lines of text) or that
refer to themselves.

Errors are `InputError`, one line naming the file and what the user can do.

| kind | default limit | environment variable |
|---|---:|---|
| export (`pulumi stack export` JSON) | 1 GiB | FERPAGUARD_MAX_EXPORT_BYTES |
| policy config (`--policy-config` JSON) | 16 MiB | FERPAGUARD_MAX_CONFIG_BYTES |
| project or stack YAML (`Pulumi.yaml`, `Pulumi.<stack>.yaml`) | 4 MiB | FERPAGUARD_MAX_YAML_BYTES |
| evidence bundle file (manifest, envelope, public key) | 256 MiB | FERPAGUARD_MAX_BUNDLE_BYTES |

Limits accept a byte count with an optional K, M or G suffix (powers of 1024).
"""

from __future__ import annotations

import os
import re
import stat
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

import yaml


class InputError(Exception):
    """An input that cannot be read; the message is one line naming it."""


@dataclass(frozen=True, slots=True)
class InputKind:
    name: str
    default_limit: int
    variable: str

    def limit(self) -> int:
        raw = os.environ.get(self.variable, "").strip()
        if not raw:
            return self.default_limit
        match = re.fullmatch(r"(\d{1,15})\s*([KMG]?)i?B?", raw, flags=re.IGNORECASE)
        if match is None:
            shown = _one_line(raw)[:40]
            raise InputError(f"{self.variable}={shown!r}: expected a byte count such as 2G, 512M or 1048576")
        scale = {"": 1, "K": 1 << 10, "M": 1 << 20, "G": 1 << 30}[match.group(2).upper()]
        return int(match.group(1)) * scale


KiB, MiB, GiB = 1 << 10, 1 << 20, 1 << 30
EXPORT = InputKind("stack export", GiB, "FERPAGUARD_MAX_EXPORT_BYTES")
POLICY_CONFIG = InputKind("policy config", 16 * MiB, "FERPAGUARD_MAX_CONFIG_BYTES")
PROJECT_YAML = InputKind("project or stack YAML", 4 * MiB, "FERPAGUARD_MAX_YAML_BYTES")
BUNDLE_FILE = InputKind("evidence bundle file", 256 * MiB, "FERPAGUARD_MAX_BUNDLE_BYTES")

YAML_MAX_EXPANDED_NODES = 100_000
"""Nodes a YAML document may hold once every alias is expanded; Pulumi project files hold hundreds."""

_BLOCK = 1 << 20


def _one_line(text: str) -> str:
    return text.replace("\r", "\\r").replace("\n", "\\n")


def label_of(path: Path | str) -> str:
    text = str(path)
    if text == "-":
        return "<stdin>"
    return _one_line(text) if text else "'' (an empty path)"


def _size_text(count: int) -> str:
    for unit, size in (("GiB", GiB), ("MiB", MiB), ("KiB", KiB)):
        if count >= size and count % size == 0:
            return f"{count // size} {unit}"
    return f"{count} bytes"


def _too_large(label: str, kind: InputKind, limit: int) -> InputError:
    return InputError(
        f"{label}: larger than the {_size_text(limit)} limit for a {kind.name}; "
        f"set {kind.variable} to raise it (e.g. {kind.variable}=4G)"
    )


def _read_stream(stream: BinaryIO, label: str, kind: InputKind, limit: int, already: int = 0) -> bytes:
    chunks: list[bytes] = []
    total = already
    while True:
        chunk = stream.read(min(_BLOCK, limit + 1 - total))
        if not chunk:
            return b"".join(chunks)
        chunks.append(chunk)
        total += len(chunk)
        if total > limit:
            raise _too_large(label, kind, limit)


def read_bounded(path: Path | str, kind: InputKind) -> bytes:
    """The bytes of `path` ("-" is standard input), refusing non-regular files and anything over the limit."""
    label = label_of(path)
    limit = kind.limit()
    if str(path) == "-":
        return _read_stream(sys.stdin.buffer, label, kind, limit)
    if not str(path):
        raise InputError(f"{label}: no file name given")
    try:
        # O_NONBLOCK: opening a FIFO must not wait for a writer before it can be refused.
        descriptor = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except FileNotFoundError:
        raise InputError(f"{label}: no such file") from None
    except IsADirectoryError:
        raise InputError(f"{label}: is a directory, not a file") from None
    except OSError as error:
        raise InputError(f"{label}: cannot read: {error.strerror or type(error).__name__}") from None
    info = os.fstat(descriptor)
    problem = None
    if stat.S_ISDIR(info.st_mode):
        problem = InputError(f"{label}: is a directory, not a file")
    elif not stat.S_ISREG(info.st_mode):
        problem = InputError(f"{label}: not a regular file ({_file_kind(info.st_mode)}); give a {kind.name} file")
    elif info.st_size > limit:
        problem = _too_large(label, kind, limit)
    if problem is not None:
        os.close(descriptor)
        raise problem
    with os.fdopen(descriptor, "rb") as handle:
        try:
            # One read of the size fstat gave (one copy of a 200 MB export, not blocks joined), then
            # blocks for anything the file grew by meanwhile, up to the limit.
            data = handle.read(info.st_size)
            rest = _read_stream(handle, label, kind, limit, already=len(data))
            return data + rest if rest else data
        except OSError as error:
            raise InputError(f"{label}: cannot read: {error.strerror or type(error).__name__}") from None


def _file_kind(mode: int) -> str:
    if stat.S_ISCHR(mode):
        return "a character device"
    if stat.S_ISBLK(mode):
        return "a block device"
    if stat.S_ISFIFO(mode):
        return "a pipe"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a plain file"


def decode_text(raw: bytes, label: str) -> str:
    """UTF-8 text (a UTF-8 byte-order mark is dropped); other encodings are refused with a hint."""
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise InputError(f"{label}: UTF-16 encoded; save it as UTF-8")
    try:
        return raw.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError as error:
        raise InputError(f"{label}: not UTF-8 text (invalid byte at offset {error.start}); save it as UTF-8") from None


class _BoundedLoader(yaml.SafeLoader):
    """PyYAML's safe loader, refusing documents whose aliases expand past YAML_MAX_EXPANDED_NODES."""

    def compose_document(self) -> yaml.Node:
        node: yaml.Node = super().compose_document()
        _check_expansion(node)
        return node


def _children(node: yaml.Node) -> Iterator[yaml.Node]:
    if isinstance(node, yaml.SequenceNode):
        yield from node.value
    elif isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            yield key
            yield value


def _check_expansion(root: yaml.Node) -> None:
    """Counts the nodes of the document with every alias expanded, without expanding any (memoised per node)."""
    sizes: dict[int, int] = {}
    on_path: set[int] = set()
    stack: list[tuple[yaml.Node, Iterator[yaml.Node]]] = [(root, _children(root))]
    on_path.add(id(root))
    while stack:
        node, children = stack[-1]
        child = next(children, None)
        if child is None:
            stack.pop()
            on_path.discard(id(node))
            sizes[id(node)] = 1 + sum(sizes[id(c)] for c in _children(node))
            if sizes[id(node)] > YAML_MAX_EXPANDED_NODES:
                raise yaml.YAMLError(
                    f"its aliases expand to more than {YAML_MAX_EXPANDED_NODES:,} nodes (an alias bomb?)"
                )
            continue
        if id(child) in on_path:
            raise yaml.YAMLError("an alias refers to a node that contains it (a recursive alias)")
        if id(child) not in sizes:
            on_path.add(id(child))
            stack.append((child, _children(child)))


def load_yaml(path: Path | str, kind: InputKind = PROJECT_YAML) -> Any:
    """The YAML document at `path`, read within bounds; InputError names the file and, for syntax, the line."""
    label = label_of(path)
    text = decode_text(read_bounded(path, kind), label)
    try:
        return yaml.load(text, Loader=_BoundedLoader)  # a SafeLoader subclass
    except yaml.MarkedYAMLError as error:
        where = f" (line {error.problem_mark.line + 1})" if error.problem_mark else ""
        raise InputError(f"{label}: cannot read YAML{where}: {' '.join(str(error.problem or error).split())}") from None
    except yaml.YAMLError as error:
        raise InputError(f"{label}: refused: {' '.join(str(error).split())}") from None
    except RecursionError:
        raise InputError(f"{label}: YAML nested too deeply") from None
