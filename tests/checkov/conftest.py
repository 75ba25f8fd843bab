"""checkov runs in an environment of its own: every test here uses the real one.

The session fixture creates ferpaguard's checkov environment on first use (about a minute,
once per machine: it lives in the user cache directory) and points FERPAGUARD_CHECKOV_PYTHON
at it, so `scan()` here and every ferpaguard process these tests start use the pinned checkov.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from ferpaguard.checkov import environment
from ferpaguard.checkov.environment import CheckovPython


@pytest.fixture(scope="session", autouse=True)
def checkov_python() -> Iterator[CheckovPython]:
    python = environment.ensure_environment(environment.cache_root())
    patch = pytest.MonkeyPatch()
    patch.setenv(environment.ENV_VAR, str(python))
    yield CheckovPython(python, "the test session's checkov environment")
    patch.undo()
