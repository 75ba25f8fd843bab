"""The pack hash names the exact catalogue and rule code that produced a result."""

from __future__ import annotations

import shutil
from pathlib import Path

import policies
from ferpaguard.pack_info import content_hash, pack_hash

POLICIES = Path(policies.__file__).resolve().parent


def copy_of_policies(tmp_path: Path) -> Path:
    return Path(shutil.copytree(POLICIES, tmp_path / "policies", ignore=shutil.ignore_patterns("__pycache__")))


def test_pack_hash_is_the_hash_of_the_policies_package() -> None:
    assert pack_hash() == content_hash(POLICIES)


def test_every_catalogue_file_is_in_the_hash(tmp_path: Path) -> None:
    root = copy_of_policies(tmp_path)
    before = content_hash(root)
    assert content_hash(root) == before
    for path in sorted((root / "catalogue").glob("*.yaml")):
        original = path.read_bytes()
        path.write_bytes(original + b"\n# edited\n")
        assert content_hash(root) != before, path.name
        path.write_bytes(original)
    assert content_hash(root) == before


def test_a_new_catalogue_file_changes_the_hash(tmp_path: Path) -> None:
    root = copy_of_policies(tmp_path)
    before = content_hash(root)
    (root / "catalogue" / "zz-new.yaml").write_text("rules: []\n", encoding="utf-8")
    assert content_hash(root) != before
