"""Errors a user can cause. The CLI turns each into one line and an exit code."""

from __future__ import annotations


class InfostdError(Exception):
    """A problem with the user's input or arguments; ``exit_code`` tells the CLI what to return."""

    exit_code = 2


class ProblemsError(InfostdError):
    """Several located problems (``path:line: message``), printed one per line."""

    exit_code = 1

    def __init__(self, problems: list):
        super().__init__("\n".join(str(p) for p in problems))
        self.problems = problems
