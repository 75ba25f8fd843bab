"""Evidence export: one writer module per format, all written from one RunResult.

`write_all(run, formats, output_dir)` writes the chosen formats;
`write_bundle(output_dir, run, signing_key)` signs what is in the directory;
`verify_bundle(directory, public_key)` checks it. Setting SOURCE_DATE_EPOCH
makes every file byte-identical for the same inputs (the DSSE signature too,
when the same signing key is given: Ed25519 signatures are deterministic).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from ferpaguard.evidence.determinism import writes_in_background
from ferpaguard.evidence.view import EvidenceView, prepare
from ferpaguard.run import RunResult

Writer = Callable[[EvidenceView, Path], list[Path]]


def _writer(module: str) -> Writer:
    """The `write` of ferpaguard.evidence.<module>, imported when first called: a run that writes
    only findings.json (or nothing) does not load Jinja, the other writers or cryptography."""

    def write(view: EvidenceView, output_dir: Path) -> list[Path]:
        written: list[Path] = importlib.import_module(f"ferpaguard.evidence.{module}").write(view, output_dir)
        return written

    write.__qualname__ = write.__name__ = f"{module}.write"
    return write


WRITERS: dict[str, Writer] = {
    "json": _writer("findings_json"),
    "sarif": _writer("sarif"),
    "junit": _writer("junit"),
    "markdown": _writer("markdown"),
    "html": _writer("html_report"),
    "csv": _writer("csv_report"),
    "oscal": _writer("oscal"),
}
FORMATS: tuple[str, ...] = tuple(WRITERS)

_BUNDLE_NAMES = ("BundleError", "VerifyResult", "verify_bundle", "write_bundle")


def __getattr__(name: str) -> Any:
    """The bundle's names, from ferpaguard.evidence.bundle (cryptography) when first asked for."""
    if name in _BUNDLE_NAMES:
        from ferpaguard.evidence import bundle

        return getattr(bundle, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


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
