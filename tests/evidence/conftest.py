"""Fixtures for the evidence writers: exports of the hand-built runs, reproducibly timed."""

from __future__ import annotations

from pathlib import Path

import pytest

from ferpaguard.evidence import FORMATS, write_all
from tests.evidence import factory

EPOCH = "1741000000"


@pytest.fixture(autouse=True)
def reproducible(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)


@pytest.fixture
def broken_dir(tmp_path: Path) -> Path:
    out = tmp_path / "broken"
    write_all(factory.broken_run(), FORMATS, out)
    return out


@pytest.fixture
def compliant_dir(tmp_path: Path) -> Path:
    out = tmp_path / "compliant"
    write_all(factory.compliant_run(), FORMATS, out)
    return out
