"""What the validator finds (``Issue``) and what it returns (``FileReport``, ``Report``).

``Report.to_dict()`` is the JSON contract of the shared DESIGN §4, with the
warnings alongside the errors.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

Severity = Literal["error", "warning"]


@dataclass(frozen=True, slots=True)  # slots: a 100M-row run holds millions of these
class Issue:
    sheet: str | None  # sheet name for xlsx, None otherwise
    row: int | None  # row number a person sees (line of a CSV); None for the whole file
    column: str | None  # column letter ("C") in spreadsheets and CSV, the key in JSON
    field: str | None  # field key
    rule: str  # required, type, pattern, …, unique, foreign-key, rule:CT-01, whitespace, …
    message: str
    value: str | None  # the cell as text, masked for x-sensitive fields
    severity: Severity = "error"

    def to_dict(self) -> dict[str, Any]:
        # spelled out: dataclasses.asdict deep-copies every value (≈ 10× slower per issue)
        return {
            "sheet": self.sheet,
            "row": self.row,
            "column": self.column,
            "field": self.field,
            "rule": self.rule,
            "message": self.message,
            "value": self.value,
        }


@dataclass
class FileReport:
    path: str
    record: str | None
    template_version: str | None
    rows: int
    issues: list[Issue] = field(default_factory=list)
    sheet: str | None = None

    @property
    def errors(self) -> list[Issue]:
        return [i for i in self.issues if i.severity == "error"]

    @property
    def warnings(self) -> list[Issue]:
        return [i for i in self.issues if i.severity == "warning"]

    @property
    def invalid_rows(self) -> int:
        return len({i.row for i in self.errors if i.row is not None})

    @property
    def valid(self) -> bool:
        return not self.errors

    def to_dict(self, issue: Callable[[Issue], Any] = Issue.to_dict) -> dict[str, Any]:
        """The JSON contract; ``issue`` renders each issue (the streaming JSON writer
        keeps the ``Issue`` itself and encodes it when it gets there)."""
        return {
            "path": self.path,
            "record": self.record,
            "template_version": self.template_version,
            "rows": self.rows,
            "invalid_rows": self.invalid_rows,
            "errors": [issue(i) for i in self.errors],
            "warnings": [issue(i) for i in self.warnings],
        }


@dataclass
class Report:
    files: list[FileReport]
    generated_at: dt.datetime | None = None

    @property
    def valid(self) -> bool:
        return all(f.valid for f in self.files)

    @property
    def exit_code(self) -> int:
        return 0 if self.valid else 1

    def to_dict(self, issue: Callable[[Issue], Any] = Issue.to_dict) -> dict[str, Any]:
        return {"valid": self.valid, "files": [f.to_dict(issue) for f in self.files]}

    def counts_by_rule(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for f in self.files:
            for i in f.issues:
                counts[i.rule] = counts.get(i.rule, 0) + 1
        return dict(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))
