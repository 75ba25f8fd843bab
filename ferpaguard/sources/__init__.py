"""Where resources come from: a Pulumi program run under mocks (`program`)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ferpaguard.sources.program import PendingRun, ProgramError, ProgramRun, run_program, start_program

__all__ = ["PendingRun", "ProgramError", "ProgramRun", "run_program", "start_program"]


def __getattr__(name: str) -> Any:
    # Lazy, so that importing a sibling module does not pull in the program runner.
    if name in __all__:
        from ferpaguard.sources import program

        return getattr(program, name)
    raise AttributeError(name)
