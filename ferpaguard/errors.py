"""Exit codes and the one error every command turns into a single line."""

from __future__ import annotations

EXIT_OK, EXIT_VIOLATIONS, EXIT_ERROR = 0, 1, 2


class UserError(Exception):
    """A problem the user can fix: bad input, bad config, a failing program (exit 2, one line)."""
