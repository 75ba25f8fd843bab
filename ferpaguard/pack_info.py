"""Identity of the policy pack that produced a result: name, version, content hash."""

from __future__ import annotations

import functools
import hashlib
from pathlib import Path

import yaml

PACK_ROOT = Path(__file__).resolve().parent.parent
PACK_NAME = "ferpaguard-ferpa-aws"


@functools.cache
def pack_version() -> str:
    manifest = PACK_ROOT / "PulumiPolicy.yaml"
    if manifest.is_file():
        data = yaml.safe_load(manifest.read_text(encoding="utf-8")) or {}
        return str(data.get("version", "0.0.0"))
    from ferpaguard import __version__

    return __version__


def content_hash(root: Path) -> str:
    """SHA-256 over every .py and .yaml file below `root` (the catalogue files and rule code), in a stable order."""
    digest = hashlib.sha256()
    for path in sorted(p for p in root.rglob("*") if p.suffix in (".py", ".yaml") and "__pycache__" not in p.parts):
        digest.update(path.relative_to(root).as_posix().encode())
        digest.update(b"\0")
        digest.update(path.read_bytes())
        digest.update(b"\0")
    return digest.hexdigest()


@functools.cache
def pack_hash() -> str:
    """The hash of the installed `policies` package: policies/catalogue/*.yaml, the rules and the engine."""
    import policies

    return content_hash(Path(policies.__file__).resolve().parent)
