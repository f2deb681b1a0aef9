"""The programme's data in ``programme/``: read with the validator's reader, checked
with the validator's engine plus the cross-checks that need the catalog.

Every file under ``programme/`` (``examples/`` excepted: raw department data the
metrics are computed from, defective on purpose) is a CSV or xlsx of one programme
record. ``load_programme`` returns normalised rows or raises ``ProblemsError`` with
one located line per problem, so nothing downstream computes from broken data.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..config import Config
from ..errors import ProblemsError
from ..model import Catalog, Location, StandardError
from ..validate.api import validate_tables
from ..validate.cells import normalise_cell
from ..validate.readers import InputError, Table, detect_encoding, read_table

PROGRAMME_RECORDS = (
    "ledger-inventory",
    "survey-response",
    "pilot",
    "feedback",
    "training",
    "goal",
    "quality-metric",
)
SUFFIXES = {".csv", ".xlsx"}
EXAMPLES_DIR = "examples"  # department data the example history was computed from
METRICS_DIR = "metrics"
EXAMPLE_MARK = "示例数据"  # first line of a shipped example file
ELECTRONIC = {"系统", "Excel"}

Row = dict[str, Any]


@dataclass
class Sheet:
    """One programme file: its record and its rows, normalised (dates as ISO text)."""

    path: Path
    record: str
    rows: list[tuple[int, Row]]
    columns: dict[str, str]  # field key → column label
    example: bool = False


@dataclass
class Programme:
    sheets: list[Sheet] = field(default_factory=list)

    def rows(self, record: str) -> list[Row]:
        return [row for s in self.sheets if s.record == record for _, row in s.rows]

    @property
    def example(self) -> bool:
        """Shipped example data still in place (any file carries the mark)."""
        return any(s.example for s in self.sheets)


def programme_files(config: Config) -> list[Path]:
    folder = config.programme
    if not folder.is_dir():
        return []
    return sorted(
        p
        for p in folder.rglob("*")
        if p.is_file()
        and p.suffix.lower() in SUFFIXES
        and not p.name.startswith(("~$", "."))
        and EXAMPLES_DIR not in p.relative_to(folder).parts[:1]
    )


def is_example(path: Path) -> bool:
    """A CSV whose first line starts with the example mark (the reader skips it as a title)."""
    if path.suffix.lower() != ".csv":
        return False
    try:
        with path.open(encoding=detect_encoding(path), errors="replace") as handle:
            return handle.readline().lstrip("\ufeff").startswith(EXAMPLE_MARK)
    except OSError:
        return False


def load_programme(catalog: Catalog, config: Config) -> Programme:
    """All programme files, validated and cross-checked; ``ProblemsError`` when any is wrong."""
    problems: list = []
    tables: list[Table] = []
    for path in programme_files(config):
        try:
            table = read_table(catalog, path)
        except InputError as exc:
            problems.append(StandardError(Location(path, 1), str(exc).split("：", 1)[-1]))
            continue
        if table.record not in PROGRAMME_RECORDS:
            problems.append(
                StandardError(
                    Location(path, table.header_row or 1),
                    f"表头对应“{catalog.records[table.record].title}”，不是实施记录"
                    f"（programme/ 只放：{'、'.join(_titles(catalog))}）",
                )
            )
            continue
        tables.append(table)
    if tables:
        report = validate_tables(catalog, tables)
        for table, found in zip(tables, report.files, strict=True):
            for issue in found.errors:
                where = f"{issue.sheet} " if issue.sheet else ""
                cell = f"{issue.column} 列：" if issue.column else ""
                problems.append(
                    StandardError(
                        Location(table.path, issue.row or 1), f"{where}{cell}{issue.message}"
                    )
                )
    programme = Programme([_sheet(catalog, t) for t in tables])
    if not problems:
        problems += cross_check(catalog, programme)
    if problems:
        raise ProblemsError(problems)
    return programme


def _titles(catalog: Catalog) -> list[str]:
    return [catalog.records[k].title for k in PROGRAMME_RECORDS if k in catalog.records]


def _sheet(catalog: Catalog, table: Table) -> Sheet:
    schema = catalog.records[table.record]
    rows = []
    for number, raw in table.rows:
        row = {}
        for key, value in raw.items():
            row[key] = normalise_cell(schema.field_by_key[key], value, catalog.codelists)[0]
        rows.append((number, row))
    return Sheet(table.path, table.record, rows, table.column_of, is_example(table.path))


def cross_check(catalog: Catalog, programme: Programme) -> list[StandardError]:
    """What the schema cannot say: references into the catalog and sums that must agree."""
    by_id = {s.id: s for s in catalog.standards}
    ids = set(by_id)
    problems = []

    def problem(sheet: Sheet, number: int, key: str, message: str) -> None:
        column = sheet.columns.get(key)
        title = catalog.records[sheet.record].field_by_key[key].title
        where = f"{column} 列（{title}）" if column else title
        problems.append(StandardError(Location(sheet.path, number), f"{where}：{message}"))

    for sheet, number, row in _each(programme):
        record = row.get("record")
        if record and record not in catalog.records:
            problem(
                sheet, number, "record", f"没有记录“{record}”（可选：{'、'.join(catalog.records)}）"
            )
        for key in ("standards", "standard_id"):
            for std in (row.get(key) or "").split("、"):
                if std and std not in ids:
                    problem(sheet, number, key, f"没有编号为 {std} 的标准")
        requirement, standard = row.get("requirement"), by_id.get(row.get("standard_id") or "")
        if (
            requirement
            and standard is not None
            and requirement not in {r.id for r in standard.requirements}
        ):
            problem(
                sheet, number, "requirement", f"要求 {requirement} 不在 {standard.id} 的要求清单中"
            )
        if sheet.record == "ledger-inventory":
            prefix = (row.get("ledger_id") or "").split("-")[0]
            if prefix and row.get("department") and prefix != row["department"]:
                problem(
                    sheet,
                    number,
                    "ledger_id",
                    f"台账编号的部门代码 {prefix} 与所属部门 {row['department']} 不一致",
                )
            if (
                row.get("original_form") == "纸质"
                and row.get("storage_form") in ELECTRONIC
                and not row.get("converted_on")
            ):
                problem(
                    sheet, number, "converted_on", "纸质台账已转为电子形式，必须填写电子化完成日期"
                )
            if row.get("storage_form") == "纸质" and row.get("converted_on"):
                problem(
                    sheet, number, "converted_on", "当前存储形式仍为纸质，不应填写电子化完成日期"
                )
        if sheet.record == "training" and (row.get("attended") or 0) > (row.get("expected") or 0):
            problem(sheet, number, "attended", "实到人数不得多于应到人数")
        if (
            sheet.record in {"goal", "quality-metric"}
            and row.get("record")
            and row.get("metric") in PROGRAMME_METRICS
        ):
            problem(sheet, number, "record", f"指标“{row['metric']}”不针对单个记录，应不填")
    return problems


def _each(programme: Programme) -> Iterator[tuple[Sheet, int, Row]]:
    for sheet in programme.sheets:
        for number, row in sheet.rows:
            yield sheet, number, row


PROGRAMME_METRICS = ("电子化存储率", "未关闭问题数", "培训覆盖率")


def as_date(value: Any) -> dt.date | None:
    return dt.date.fromisoformat(value) if isinstance(value, str) and value else None
