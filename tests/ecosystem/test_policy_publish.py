"""The pack is publishable with `pulumi policy publish`, and the archive holds what it needs and nothing else."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from ferpaguard import __version__
from policies.pack import PACK_NAME
from tests.ecosystem.publish_archive import GitIgnore, compile_line, packed_files

# pulumi-policy (Python SDK) rejects other pack names: policy.py, _POLICY_PACK_NAME_RE.
PACK_NAME_RE = re.compile(r"^[a-zA-Z0-9-_.]{1,100}$")
SEMVER_RE = re.compile(r"^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?$")
STAGE_SCRIPT = Path("examples/org/stage_policy_pack.py")
CATALOGUE_DIR = Path(__file__).parents[2] / "policies" / "catalogue"
PACK_NEEDS = {"PulumiPolicy.yaml", "__main__.py", "requirements.txt", "policies/__init__.py", "policies/pack.py",
              *(f"policies/catalogue/{p.name}" for p in CATALOGUE_DIR.glob("*.yaml"))}


def _ignore(*lines: str) -> GitIgnore:
    return GitIgnore("", tuple(p for p in map(compile_line, lines) if p is not None))


@pytest.mark.parametrize(("lines", "path", "ignored"), [
    # Behaviour of github.com/sabhiram/go-gitignore, the matcher the Pulumi CLI uses (from its test suite).
    (["*.swp"], "something/else/but/it/hasyo.swp", True),
    (["/foo/*.wat"], "foo/bar.wat", True),
    (["bar/*.txt"], "/bar/somethingelse.txt", True),
    (["bar/*.txt"], "something/not/infoo/wat.txt", False),
    (["/foo"], "/foo/something.txt", True),
    (["/foo"], "something/foo/something.txt", False),
    (["bar/"], "/boo/something/bar/boo.txt", True),
    (["abc/def"], "abc/def/child", True),
    (["abc/def"], "abc", False),
    (["node_modules"], "node_modules/test/foo.js", True),
    (["**/foo"], "baz/foo", True),
    (["/*", "!/foo", "/foo/*", "!/foo/bar"], "foo/baz", True),
    (["/*", "!/foo", "/foo/*", "!/foo/bar"], "/foo/bar", False),
    (["#", "# comment", "", "abc/def"], "abc/abc", False),
    # The repository's own patterns, as the CLI sees a file below the .gitignore's directory.
    ([".venv/"], "/.venv/lib/python3.11/site-packages/x.py", True),
    (["*.egg-info/"], "/ferpaguard.egg-info/PKG-INFO", True),
    (["__pycache__/"], "/policies/rules/__pycache__/a.cpython-311.pyc", True),
    (["out/"], "/examples/out.md", False),
])
def test_ignore_patterns_match_like_the_pulumi_cli(lines: list[str], path: str, ignored: bool) -> None:
    assert _ignore(*lines).matches(path) is ignored


def test_pack_identity_is_publishable(repo_root: Path) -> None:
    manifest = yaml.safe_load((repo_root / "PulumiPolicy.yaml").read_text(encoding="utf-8"))
    assert PACK_NAME_RE.match(PACK_NAME), PACK_NAME
    assert manifest["runtime"]["name"] == "python"
    assert SEMVER_RE.match(str(manifest["version"])), manifest["version"]
    assert str(manifest["version"]) == __version__, "PulumiPolicy.yaml and ferpaguard.__version__ disagree"


def test_pack_requirements_are_pinned_for_the_pack_virtualenv(repo_root: Path) -> None:
    lines = [line.split("#")[0].strip() for line in (repo_root / "requirements.txt").read_text().splitlines()]
    pins = dict(line.split("==", 1) for line in lines if line)
    assert {"pulumi", "pulumi-policy", "pyyaml", "jsonschema"} <= pins.keys()
    assert all(re.fullmatch(r"[0-9][0-9A-Za-z.+-]*", version) for version in pins.values()), pins


def test_repository_root_archive_leaves_out_what_gitignore_excludes(repo_root: Path) -> None:
    files = packed_files(repo_root)
    assert PACK_NEEDS <= set(files)
    tops = {name.split("/", 1)[0] for name in files}
    assert not tops & {".venv", ".git", "out", "build", "dist"}
    assert not any("__pycache__/" in name or name.endswith(".pyc") for name in files)


def test_publishing_from_the_root_would_upload_more_than_the_pack(repo_root: Path) -> None:
    # Why docs/org-enforcement.md stages the pack: .gitignore is the only ignore file the CLI reads.
    tops = {name.split("/", 1)[0] for name in packed_files(repo_root)}
    assert {"tests", "stack"} <= tops


def test_staged_pack_holds_the_pack_and_nothing_else(repo_root: Path, tmp_path: Path) -> None:
    staged = tmp_path / "pack"
    run = subprocess.run([sys.executable, str(repo_root / STAGE_SCRIPT), str(staged)],
                         capture_output=True, text=True, cwd=tmp_path, timeout=60)
    assert run.returncode == 0, run.stderr
    # What `pulumi install` and running the pack add afterwards must stay out of the archive.
    (staged / ".venv" / "bin").mkdir(parents=True)
    (staged / ".venv" / "bin" / "python").write_text("")
    (staged / "policies" / "__pycache__").mkdir()
    (staged / "policies" / "__pycache__" / "pack.cpython-311.pyc").write_bytes(b"")

    files = set(packed_files(staged))
    source_policies = {
        path.relative_to(repo_root).as_posix()
        for path in (repo_root / "policies").rglob("*")
        if path.is_file() and "__pycache__" not in path.parts and path.suffix != ".pyc"
    }
    assert files == {"PulumiPolicy.yaml", "__main__.py", "requirements.txt", "LICENSE", ".gitignore"} | source_policies
    assert PACK_NEEDS <= files


def test_staging_refuses_a_directory_inside_the_repository(repo_root: Path) -> None:
    target = repo_root / "dist" / "policy-pack-refused"
    run = subprocess.run([sys.executable, str(repo_root / STAGE_SCRIPT), str(target)],
                         capture_output=True, text=True, timeout=60)
    assert run.returncode == 2
    assert "inside the repository" in run.stderr
    assert not target.exists()


def test_ancestor_gitignore_can_empty_the_archive(tmp_path: Path) -> None:
    # The reason for the refusal above: the CLI applies .gitignore files above the pack directory too.
    (tmp_path / ".gitignore").write_text("dist/\n")
    pack = tmp_path / "dist" / "pack"
    (pack / "policies").mkdir(parents=True)
    for name in ("PulumiPolicy.yaml", "__main__.py", "policies/pack.py"):
        (pack / name).write_text("")
    assert packed_files(pack) == []
    (tmp_path / ".gitignore").unlink()
    assert packed_files(pack) == ["PulumiPolicy.yaml", "__main__.py", "policies/pack.py"]

