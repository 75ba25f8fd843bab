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


@functools.cache
def pack_hash() -> str:
    """SHA-256 over the rule catalogue and rule code, in a stable order."""
    import policies

    root = Path(policies.__file__).resolve().parent
    digest = hashlib.sha256()
    for path in sorted(p for p in root.rglob("*") if p.suffix in (".py", ".yaml") and "__pycache__" not in p.parts):
        digest.update(path.relative_to(root).as_posix().encode())
        digest.update(b"\0")
        digest.update(path.read_bytes())
        digest.update(b"\0")
    return digest.hexdigest()
