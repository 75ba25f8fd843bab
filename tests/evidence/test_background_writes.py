"""Evidence files written on a second thread: all on disk when the block ends, errors not lost."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from ferpaguard.evidence import determinism
from ferpaguard.evidence.determinism import canonical_bytes, write_canonical, write_text, writes_in_background


def test_every_file_is_on_disk_when_the_block_ends(tmp_path: Path) -> None:
    with writes_in_background():
        paths = [write_text(tmp_path / "sub" / f"{index}.txt", f"text {index}") for index in range(20)]
        write_canonical(tmp_path / "data.json", {"b": 1, "a": [1, 2]}, indent=False)
    assert [path.read_text() for path in paths] == [f"text {index}" for index in range(20)]
    assert (tmp_path / "data.json").read_bytes() == b'{"a":[1,2],"b":1}\n'


def test_the_writes_happen_on_another_thread(tmp_path: Path, monkeypatch) -> None:
    threads: list[str] = []
    real = Path.write_bytes

    def spying(self: Path, data: bytes) -> int:
        threads.append(threading.current_thread().name)
        return real(self, data)

    monkeypatch.setattr(Path, "write_bytes", spying)
    with writes_in_background():
        write_text(tmp_path / "a.txt", "a")
    write_text(tmp_path / "b.txt", "b")
    assert threads[0].startswith("evidence-write") and threads[1] == threading.current_thread().name


def test_a_failed_write_raises_when_the_block_ends(tmp_path: Path) -> None:
    (tmp_path / "taken").mkdir()
    with pytest.raises(IsADirectoryError), writes_in_background():
        write_text(tmp_path / "taken", "cannot replace a directory")
        write_text(tmp_path / "after.txt", "still written")
    assert determinism._background is None


def test_nested_blocks_share_the_outer_writer(tmp_path: Path) -> None:
    with writes_in_background():
        outer = determinism._background
        with writes_in_background():
            assert determinism._background is outer
            write_text(tmp_path / "x.txt", "x")
        assert determinism._background is outer
    assert (tmp_path / "x.txt").read_text() == "x"


def test_compact_canonical_json_is_the_indented_one_without_whitespace() -> None:
    import json

    data = {"z": [1, {"y": "ü", "x": None}], "a": 2**70}  # 2**70: the standard library's path
    for value in (data, {"z": [1, {"y": "ü"}]}):
        compact = canonical_bytes(value, indent=False)
        assert json.loads(compact) == json.loads(canonical_bytes(value)) == value
        assert b"\n" not in compact.rstrip(b"\n") and b": " not in compact and b", " not in compact
