"""findings.json: the complete machine-readable record of a run (schema: findings.schema.json)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ferpaguard.evidence.determinism import canonical_json, write_text
from ferpaguard.evidence.view import EvidenceView

FILENAME = "findings.json"
FORMAT_NAME = "ferpaguard-findings"
FORMAT_VERSION = 1
SCHEMA_PATH = Path(__file__).with_name("findings.schema.json")


def document(view: EvidenceView) -> dict[str, Any]:
    return {
        "format": FORMAT_NAME,
        "format_version": FORMAT_VERSION,
        **view.metadata(),
        "findings": [f.to_dict() for f in view.findings],
        "summary": dict(view.summary),
        "waivers": [dict(w) for w in view.waivers],
        "disagreements": [dict(d) for d in view.disagreements],
        "skipped": [dict(s) for s in view.skipped],
        "notes": list(view.notes),
    }


def write(view: EvidenceView, output_dir: Path) -> list[Path]:
    return [write_text(output_dir / FILENAME, canonical_json(document(view)))]
