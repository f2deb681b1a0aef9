"""From a raw grid to a ledger table: find the header (below title rows, over
one or two rows with merged cells), the data rows, and the rows that are not
data (blank, totals, notes, repeated headers) — kept with the reason, never
dropped silently.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..model import display_path
from ..validate.readers import column_letter
from .grid import Grid, cell_text

HEADER_SCAN_ROWS = 30
TOTALS_RE = re.compile(r"^(合\s*计|总\s*计|小\s*计|总数|汇总|total\b)", re.IGNORECASE)
NOTE_RE = re.compile(r"^(制表|填表|审核|说明|注[:：]|备注[:：]|数据截至|截至|单位[:：])")
NUMBER_RE = re.compile(r"^[+-]?[\d,，.]+%?$")


def normalise_header(text: str) -> str:
    """Header text for comparison: full-width folded, no spaces, marks or units."""
    text = unicodedata.normalize("NFKC", text)
    text = re.sub(r"[（(【\[].*?[）)】\]]", "", text)  # units and notes: 金额（元）
    text = re.sub(r"[\s*＊:：#№_\-/]", "", text)
    return text.casefold()


@dataclass
class LedgerTable:
    """One table found in a ledger sheet. Row numbers are those a person sees."""

    path: Path
    sheet: str | None
    header_row: int  # 1-based; the last header row when the header spans two
    columns: list[str]  # header text per kept column
    positions: list[int]  # 0-based grid column of each kept column
    rows: list[tuple[int, list[Any]]]  # (row number, raw values aligned with columns)
    skipped: list[tuple[int, str]] = field(default_factory=list)  # (row number, reason)
    title: str = ""  # text of the title rows above the header

    @property
    def name(self) -> str:
        """How reports name this table: file, and sheet when there is one."""
        base = display_path(self.path)
        return f"{base} [{self.sheet}]" if self.sheet else base

    def column_texts(self, index: int) -> list[str]:
        """The cells of one column as text (cached: proposals look at each column per record)."""
        cache = self.__dict__.setdefault("_texts", {})
        if index not in cache:
            cache[index] = [cell_text(values[index]) for _, values in self.rows]
        return cache[index]


def _texts(row: list[Any]) -> list[str]:
    return [cell_text(v) for v in row]


def _is_label(text: str) -> bool:
    return bool(text) and not NUMBER_RE.match(text) and len(text) <= 30


def _header_score(texts: list[str], known: set[str]) -> float:
    labels = [t for t in texts if _is_label(t)]
    if len(labels) < 2:
        return 0.0
    hits = sum(1 for t in labels if normalise_header(t) in known)
    return len(labels) + 3 * hits


def _fill_merged(grid: Grid, texts: list[list[str]]) -> None:
    """Give every cell of a merged header range the text of its top-left cell."""
    for r0, c0, r1, c1 in grid.merged:
        if r0 >= len(texts) or r0 >= HEADER_SCAN_ROWS:
            continue
        value = texts[r0][c0] if c0 < len(texts[r0]) else ""
        for r in range(r0, min(r1, len(texts) - 1) + 1):
            for c in range(c0, min(c1, len(texts[r]) - 1) + 1):
                if not texts[r][c]:
                    texts[r][c] = value


def find_tables(grid: Grid, known: Iterable[str] = ()) -> LedgerTable | None:
    """The ledger table in a grid, or None when the sheet has no header-like row."""
    known_set = {normalise_header(k) for k in known}
    texts = [_texts(row) for row in grid.cells]
    head = [list(row) for row in texts[:HEADER_SCAN_ROWS]]
    _fill_merged(grid, head)
    scored = [(_header_score(row, known_set), i) for i, row in enumerate(head)]
    best, header = max(scored, key=lambda s: (s[0], -s[1]), default=(0.0, -1))
    if best == 0.0:
        return None
    header_texts = head[header]
    last_header = header
    # A two-row header: a merged group ("联系方式") over sub-headers ("手机", "邮箱").
    if header + 1 < len(head) and _is_subheader(grid, header, head):
        sub = head[header + 1]
        header_texts = [
            s if s and s != h else h
            for h, s in zip(header_texts, sub + [""] * (len(header_texts) - len(sub)), strict=False)
        ]
        last_header = header + 1
    width = max((len(r) for r in texts), default=0)
    header_texts = header_texts + [""] * (width - len(header_texts))
    title = " ".join(t for row in texts[:header] for t in row if t)
    rows: list[tuple[int, list[Any]]] = []
    skipped: list[tuple[int, str]] = []
    header_norm = [normalise_header(t) for t in header_texts]
    for index in range(last_header + 1, len(texts)):
        number, row_texts = index + 1, texts[index]
        filled = [t for t in row_texts if t]
        if not filled:
            skipped.append((number, "空行"))
        elif any(TOTALS_RE.match(t) for t in filled[:3]):
            skipped.append((number, "合计行"))
        elif len(filled) == 1 and NOTE_RE.match(filled[0]):
            skipped.append((number, "说明行"))
        elif [normalise_header(t) for t in row_texts if t] == [h for h in header_norm if h]:
            skipped.append((number, "重复的表头"))
        else:
            raw = list(grid.cells[index]) + [None] * (width - len(grid.cells[index]))
            rows.append((number, raw))
    # Keep columns that have a header or any data; name the unnamed ones by letter.
    positions = [
        c for c in range(width) if header_texts[c] or any(cell_text(v[c]) for _, v in rows)
    ]
    columns = [header_texts[c] or f"列{column_letter(c)}" for c in positions]
    columns = _unique_names(columns)
    rows = [(n, [v[c] for c in positions]) for n, v in rows]
    return LedgerTable(
        grid.path, grid.sheet, last_header + 1, columns, positions, rows, skipped, title
    )


def _is_subheader(grid: Grid, header: int, head: list[list[str]]) -> bool:
    """True when the header row has a horizontal merge whose columns hold labels
    in the row below (the sub-headers)."""
    below = head[header + 1]
    for r0, c0, _r1, c1 in grid.merged:
        if r0 == header and c1 > c0:
            cells = below[c0 : c1 + 1]
            if cells and all(_is_label(t) for t in cells) and len(set(cells)) == len(cells):
                return True
    return False


def _unique_names(names: list[str]) -> list[str]:
    """Two columns both titled "电话" become "电话" and "电话(2)" so a mapping can name each."""
    seen: dict[str, int] = {}
    out = []
    for name in names:
        seen[name] = seen.get(name, 0) + 1
        out.append(name if seen[name] == 1 else f"{name}({seen[name]})")
    return out


def read_ledger(path: Path, known: Iterable[str] = ()) -> tuple[list[LedgerTable], list[str]]:
    """Every table in a ledger file, and a note for each sheet that holds none."""
    from .grid import read_grids

    known = list(known)
    tables, notes = [], []
    for grid in read_grids(path):
        table = find_tables(grid, known)
        where = f"{display_path(grid.path)}" + (f" [{grid.sheet}]" if grid.sheet else "")
        if table is None or not table.rows:
            notes.append(f"{where}: 未找到表头和数据行，已跳过")
        else:
            tables.append(table)
    return tables, notes
