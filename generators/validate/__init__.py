"""The reference validator: filled ledgers in, located Chinese issues out.

Public API (other parts of infostd code against it; keep it stable):
``read_table``, ``Table``, ``normalise_cell``, ``check_cell``, ``validate_rows``,
``validate_paths``, ``Issue``, ``FileReport``, ``Report``, ``MESSAGES``.
"""

from __future__ import annotations

from ..masking import mask
from .api import validate_paths, validate_table
from .cells import check_cell, check_value, normalise_cell
from .engine import validate_rows
from .issues import FileReport, Issue, Report
from .messages import MESSAGES, render
from .readers import InputError, Table, read_table

__all__ = [
    "MESSAGES",
    "FileReport",
    "InputError",
    "Issue",
    "Report",
    "Table",
    "check_cell",
    "check_value",
    "mask",
    "normalise_cell",
    "read_table",
    "render",
    "validate_paths",
    "validate_rows",
    "validate_table",
]
