"""Evidence export: one writer module per format, all written from one RunResult.

`write_all(run, formats, output_dir)` writes the chosen formats;
`write_bundle(output_dir, run, signing_key)` signs what is in the directory;
`verify_bundle(directory, public_key)` checks it. Setting SOURCE_DATE_EPOCH
makes every file byte-identical for the same inputs (the DSSE signature too,
when the same signing key is given: Ed25519 signatures are deterministic).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from ferpaguard.evidence import csv_report, findings_json, html_report, junit, markdown, oscal, sarif
from ferpaguard.evidence.bundle import BundleError, VerifyResult, verify_bundle, write_bundle
from ferpaguard.evidence.determinism import writes_in_background
from ferpaguard.evidence.view import EvidenceView, prepare
from ferpaguard.run import RunResult

Writer = Callable[[EvidenceView, Path], list[Path]]

WRITERS: dict[str, Writer] = {
    "json": findings_json.write,
    "sarif": sarif.write,
    "junit": junit.write,
    "markdown": markdown.write,
    "html": html_report.write,
    "csv": csv_report.write,
    "oscal": oscal.write,
}
FORMATS: tuple[str, ...] = tuple(WRITERS)


def write_all(run: RunResult, formats: Sequence[str], output_dir: Path) -> list[Path]:
    """Write each requested format (duplicates ignored, order kept); returns the files written."""
    unknown = [name for name in formats if name not in WRITERS]
    if unknown:
        raise ValueError(f"unknown evidence format(s): {', '.join(unknown)} (known: {', '.join(FORMATS)})")
    view = prepare(run)
    output_dir.mkdir(parents=True, exist_ok=True)
    chosen = list(dict.fromkeys(formats))
    written: dict[str, list[Path]] = {}
    # Each file is written on a second thread while the next format renders; the largest (OSCAL) goes
    # first, so that its write overlaps the others' rendering. The files are listed in the order asked.
    with writes_in_background():
        for name in sorted(chosen, key=lambda name: name != "oscal"):
            written[name] = WRITERS[name](view, output_dir)
    return [path for name in chosen for path in written[name]]


__all__ = ["FORMATS", "BundleError", "VerifyResult", "verify_bundle", "write_all", "write_bundle"]
