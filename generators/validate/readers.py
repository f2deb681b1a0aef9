"""Readers: a file in, a ``Table`` out (record, header, columns, rows).

One reader per input format. Header detection is the same for all
spreadsheet-like inputs: the row among the first ``HEADER_SCAN`` that names the
most fields (by title, key or alias; "*" and spaces ignored), so title rows
above the header and merged title cells do not matter. A template's hidden
key row (row 2) wins over the visible titles, so re-labelled or reordered
headers still map correctly.
"""

from __future__ import annotations

import codecs
import csv
import io
import itertools
import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import InfostdError
from ..jsonpos import syntax_message
from ..limits import CELL_CHARS, LimitExceeded, Unreadable, check_json_depth, check_xlsx, is_panic
from ..model import Catalog, Schema, clean_header, display_path
from ..version import project_version
from .issues import Issue
from .messages import render

HEADER_SCAN = 30
IGNORED_SHEETS = {"_meta", "代码表", "填写说明"}
XLSX_SUFFIXES = {".xlsx", ".xlsm"}
CSV_SUFFIXES = {".csv", ".txt", ".tsv"}
JSON_SUFFIXES = {".json"}
JSONL_SUFFIXES = {".jsonl", ".ndjson"}
SAMPLE = 1 << 20
UTF8_BLOCK = 16 << 20
csv.field_size_limit(CELL_CHARS)
# Read after the last line: a NUL never occurs in a file we accept, so a cell ending
# with it means a quote opened and never closed (the rest of the file in one cell).
EOF_MARK = "\x00"
UNCLOSED_QUOTE = "引号未闭合：从这一行的带引号单元格起到文件末尾都成了一个单元格"


class InputError(InfostdError):
    """An input file we cannot use (exit 2), with the file named in the message."""

    def __init__(self, path: Path, message: str):
        super().__init__(f"{display_path(path)}：{message}")
        self.path = path


@dataclass
class Table:
    path: Path
    kind: str  # xlsx | csv | json | jsonl
    record: str
    sheet: str | None
    header_row: int  # row number of the visible header (0 for JSON)
    columns: list[str | None]  # field key per column, None for unknown columns
    labels: list[str]  # column label per column: "A", "B", … or the JSON key
    headers: list[str]  # header text per column as written
    template_version: str | None = None
    meta: dict[str, str] = field(default_factory=dict)
    issues: list[Issue] = field(
        default_factory=list
    )  # file-level (template version, unknown columns)
    encoding: str | None = None  # CSV only
    delimiter: str = ","
    first_data_row: int = 1
    _rows: list[tuple[int, list[Any]]] | None = None  # xlsx / JSON: (row number, cells)

    @property
    def rows(self) -> Iterator[tuple[int, dict[str, Any]]]:
        """(row number a person sees, {field key: raw value}) for each data row."""
        keyed = [(i, k) for i, k in enumerate(self.columns) if k is not None]
        for number, cells in self.raw_rows():
            row = {k: cells[i] if i < len(cells) else None for i, k in keyed}
            if not all(_blank(v) for v in row.values()):
                yield number, row

    def raw_rows(self) -> Iterator[tuple[int, list[Any]]]:
        if self._rows is not None:
            yield from self._rows
            return
        yield from _csv_rows(self)

    @property
    def column_of(self) -> dict[str, str]:
        """Field key → column label, for locating issues."""
        return {k: self.labels[i] for i, k in enumerate(self.columns) if k is not None}


def _blank(value: Any) -> bool:
    """An empty cell: nothing, or only spaces (a row of them is not a data row)."""
    return value is None or (isinstance(value, str) and not value.strip())


def _has_content(cells: list[Any]) -> bool:
    """Not a blank row (``_blank`` inlined: it runs once per sheet row)."""
    for c in cells:  # noqa: SIM110 - a loop: any(generator) is slower here
        if c is not None and (type(c) is not str or c.strip()):
            return True
    return False


def column_letter(index: int) -> str:
    """0 → A, 25 → Z, 26 → AA."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def header_names(schema: Schema) -> dict[str, str]:
    """Every name a column of ``schema`` may carry → field key."""
    names: dict[str, str] = {}
    for f in schema.fields:
        for _what, name in f.header_names:
            names[clean_header(name)] = f.key
    return names


def _match(schema: Schema, cells: list[Any]) -> tuple[int, list[str | None]]:
    names = header_names(schema)
    keys = [names.get(clean_header(c)) for c in cells]
    return len({k for k in keys if k}), keys


def find_header(schema: Schema, rows: list[list[Any]]) -> tuple[int, list[str | None]] | None:
    """(index of the header row, field key per column) or None when no row names enough fields."""
    best: tuple[int, int, list[str | None]] | None = None
    for index, cells in enumerate(rows[:HEADER_SCAN]):
        score, keys = _match(schema, cells)
        if score and (best is None or score > best[0]):
            best = (score, index, keys)
    if best is None or best[0] < min(2, len(schema.fields)):
        return None
    return best[1], best[2]


def choose_record(
    catalog: Catalog, path: Path, rows: list[list[Any]], record: str | None
) -> tuple[str, int, list[str | None]]:
    """The record, the header row index and the column keys."""
    if record is not None:
        if record not in catalog.records:
            known = "、".join(catalog.records)
            raise InputError(path, f"没有记录“{record}”（可选：{known}）")
        found = find_header(catalog.records[record], rows)
        if found is None:
            raise InputError(
                path,
                f"找不到“{catalog.records[record].title}”的表头行（前 {HEADER_SCAN} 行中没有字段名）",
            )
        return record, *found
    scored = []
    for key, schema in catalog.records.items():
        found = find_header(schema, rows)
        if found is not None:
            scored.append((sum(1 for k in set(found[1]) if k), key, found))
    if not scored:
        raise InputError(path, f"找不到表头行：前 {HEADER_SCAN} 行中没有与任何记录字段名相符的行")
    scored.sort(key=lambda s: -s[0])
    if len(scored) > 1 and scored[0][0] == scored[1][0]:
        tied = "、".join(k for n, k, _ in scored if n == scored[0][0])
        raise InputError(path, f"无法判断记录类型（{tied} 都相符），请用 --record 指定")
    return scored[0][1], *scored[0][2]


def read_table(catalog: Catalog, path: Path | str, record: str | None = None) -> Table:
    """Open ``path`` (xlsx, CSV, JSON, JSON Lines) as a table of one record."""
    path = Path(path)
    if not path.exists():
        raise InputError(path, "文件不存在")
    if path.is_dir():
        raise InputError(path, "是文件夹，不是文件")
    try:
        size = path.stat().st_size
        with path.open("rb") as handle:
            head = handle.read(8)
    except OSError as exc:
        raise InputError(path, f"无法读取（{exc.strerror}）") from exc
    if size == 0:
        raise InputError(path, "文件为空")
    suffix = path.suffix.lower()
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        raise InputError(
            path, "文件已加密（设置了打开密码）或为旧版 .xls 格式，请去除密码并另存为 .xlsx"
        )
    if suffix in XLSX_SUFFIXES or head.startswith(b"PK\x03\x04"):
        return _read_xlsx(catalog, path, record)
    if suffix in JSON_SUFFIXES:
        return _read_json(catalog, path, record, lines=False)
    if suffix in JSONL_SUFFIXES:
        return _read_json(catalog, path, record, lines=True)
    if suffix in CSV_SUFFIXES or not suffix:
        return _read_csv(catalog, path, record)
    raise InputError(path, f"不支持的文件类型“{suffix}”（支持 .xlsx、.csv、.json、.jsonl）")


# ── xlsx ──────────────────────────────────────────────────────────────────
def _read_xlsx(catalog: Catalog, path: Path, record: str | None) -> Table:
    from python_calamine import CalamineWorkbook

    try:
        check_xlsx(path)  # sizes and cells within the limits before calamine allocates them
    except Unreadable as exc:
        raise InputError(path, exc.reason) from exc
    try:
        book = CalamineWorkbook.from_path(str(path))
        names = list(book.sheet_names)
        sheets = {
            name: book.get_sheet_by_name(name).to_python(skip_empty_area=False) for name in names
        }
    except Exception as exc:  # noqa: BLE001 - calamine raises several types for broken files
        reason = "已加密" if "password" in str(exc).lower() else "已损坏或不是有效的 xlsx 文件"
        raise InputError(path, f"无法打开工作簿：{reason}") from exc
    except BaseException as exc:  # a Rust panic (pyo3 PanicException is a BaseException)
        if not is_panic(exc):
            raise
        raise InputError(path, "工作簿中有无法读取的单元格") from None
    meta = _read_meta(sheets.get("_meta"))
    if record is None and meta.get("template") == "infostd" and meta.get("record"):
        record = meta["record"]
        if record not in catalog.records:
            raise InputError(path, f"模板信息表 _meta 中的记录“{record}”在当前标准中不存在")
    candidates = [n for n in names if n not in IGNORED_SHEETS]
    if record is not None and catalog.records.get(record):
        title = catalog.records[record].title
        candidates.sort(key=lambda n: n != title)
    if not candidates:
        raise InputError(path, "工作簿中没有数据工作表")
    chosen = None
    errors: list[InputError] = []
    for name in candidates:
        rows = [r if type(r) is list else list(r) for r in sheets[name]]
        try:
            chosen = (name, rows, *choose_record(catalog, path, rows, record))
            break
        except InputError as exc:
            errors.append(exc)
    if chosen is None:
        first = errors[0]
        raise InputError(path, f"工作表“{candidates[0]}”：{str(first).split('：', 1)[-1]}")
    name, rows, key, header_index, columns = chosen
    columns = _prefer_key_row(catalog.records[key], rows, header_index, columns)
    data_start = header_index + 1
    if data_start < len(rows) and _is_key_row(catalog.records[key], rows[data_start]):
        data_start += 1
    data = [(i + 1, rows[i]) for i in range(data_start, len(rows)) if _has_content(rows[i])]
    table = Table(
        path=path,
        kind="xlsx",
        record=key,
        sheet=name,
        header_row=header_index + 1,
        columns=columns,
        labels=[column_letter(i) for i in range(len(columns))],
        headers=[_text(c) for c in rows[header_index]],
        meta=meta,
        template_version=meta.get("version"),
        first_data_row=data_start + 1,
        _rows=data,
    )
    _finish(catalog, table)
    return table


def _text(cell: Any) -> str:
    return "" if cell is None else str(cell)


def _read_meta(rows: list[list[Any]] | None) -> dict[str, str]:
    meta: dict[str, str] = {}
    for r in rows or []:
        if len(r) >= 2 and r[0] not in (None, ""):
            meta[str(r[0]).strip()] = _text(r[1]).strip()
    return meta


def _is_key_row(schema: Schema, cells: list[Any]) -> bool:
    keys = {f.key for f in schema.fields}
    texts = [str(c).strip() for c in cells if c not in (None, "")]
    return bool(texts) and sum(t in keys for t in texts) >= max(1, len(texts) // 2 + 1)


def _prefer_key_row(
    schema: Schema, rows: list[list[Any]], header_index: int, columns: list[str | None]
) -> list[str | None]:
    """Map columns by the template's hidden key row when it is there."""
    after = header_index + 1
    if after < len(rows) and _is_key_row(schema, rows[after]):
        keys = {f.key for f in schema.fields}
        return [
            str(c).strip() if c is not None and str(c).strip() in keys else None
            for c in rows[after]
        ] + [None] * max(0, len(columns) - len(rows[after]))
    return columns


def spreadsheet_rows(path: Path) -> Iterator[list[Any]]:
    """The rows of a CSV or of an xlsx file's first sheet as they are, lazily: a caller that
    only needs the first row (is this a published code list?) reads no more of a CSV."""
    path = Path(path)
    if not path.is_file():
        raise InputError(path, "文件不存在" if not path.exists() else "不是文件")
    if path.suffix.lower() in XLSX_SUFFIXES:
        from python_calamine import CalamineWorkbook

        try:
            check_xlsx(path)
            book = CalamineWorkbook.from_path(str(path))
            rows = book.get_sheet_by_index(0).to_python(skip_empty_area=False)
        except Unreadable as exc:
            raise InputError(path, exc.reason) from exc
        except Exception as exc:  # noqa: BLE001 - calamine raises several types for broken files
            raise InputError(path, "无法打开工作簿：已损坏或不是有效的 xlsx 文件") from exc
        except BaseException as exc:  # a Rust panic (pyo3 PanicException is a BaseException)
            if not is_panic(exc):
                raise
            raise InputError(path, "工作簿中有无法读取的单元格") from None
        yield from (list(r) for r in rows)
        return
    if path.suffix.lower() not in CSV_SUFFIXES:
        return
    encoding = detect_encoding(path)
    with _open_text(path, encoding) as handle:
        yield from csv_records(path, handle)


# ── CSV ───────────────────────────────────────────────────────────────────
def detect_encoding(path: Path) -> str:
    """utf-8-sig, utf-8 or gb18030: the first that decodes the WHOLE file; never a guess."""
    with path.open("rb") as handle:
        head = handle.read(SAMPLE)
    if head.startswith(codecs.BOM_UTF8):
        candidates = ["utf-8-sig"]
    elif head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise InputError(path, "文件是 UTF-16 编码，请另存为“CSV UTF-8”")
    else:
        candidates = ["utf-8", "gb18030"]
    if b"\x00" in head:
        raise InputError(path, "不是文本文件（含有二进制内容）")
    for encoding in candidates:
        if _decodes(path, encoding):
            return encoding
    raise InputError(
        path, "无法识别文件编码（支持 UTF-8、带 BOM 的 UTF-8、GB18030），请另存为“CSV UTF-8”"
    )


def _decodes(path: Path, encoding: str) -> bool:
    if encoding in ("utf-8", "utf-8-sig"):
        return _is_utf8_text(path)
    decoder = codecs.getincrementaldecoder(encoding)()
    try:
        with path.open("rb") as handle:
            while chunk := handle.read(SAMPLE):
                text = decoder.decode(chunk)
                if "\x00" in text:
                    return False
            decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


def _is_utf8_text(path: Path) -> bool:
    """Strict UTF-8 without NUL, as the codec decides, but checked by polars (≈ 3× faster
    than decoding in Python) on blocks cut after a line break (never inside a character)."""
    import polars as pl

    def valid(block: bytes) -> bool:
        if b"\x00" in block:
            return False
        try:
            pl.Series([block], dtype=pl.Binary).cast(pl.String)
        except pl.exceptions.ComputeError:
            return False
        return True

    rest = b""
    with path.open("rb") as handle:
        while chunk := handle.read(UTF8_BLOCK):
            data = rest + chunk
            cut = data.rfind(b"\n") + 1
            if cut and not valid(data[:cut]):
                return False
            rest = data[cut:]
    return valid(rest)


def _open_text(path: Path, encoding: str) -> io.TextIOWrapper:
    return path.open("r", encoding=encoding, newline="")


def _read_csv(catalog: Catalog, path: Path, record: str | None) -> Table:
    encoding = detect_encoding(path)
    best: tuple[int, str, list[list[str]]] | None = None
    for delimiter in (",", "\t", ";"):
        with _open_text(path, encoding) as handle:
            try:
                head = [
                    row
                    for _, row in zip(
                        range(HEADER_SCAN), csv.reader(handle, delimiter=delimiter), strict=False
                    )
                ]
            except csv.Error as exc:
                if "field larger than field limit" in str(exc):
                    raise LimitExceeded(f"{display_path(path)}：", "cell_chars") from exc
                raise InputError(path, f"CSV 格式错误：{exc}") from exc
        width = max((len(r) for r in head), default=0)
        if best is None or width > best[0]:
            best = (width, delimiter, head)
    assert best is not None
    _, delimiter, head = best
    if not any(any(c.strip() for c in r) for r in head):
        raise InputError(path, "文件中没有内容")
    key, header_index, columns = choose_record(catalog, path, head, record)  # type: ignore[arg-type]
    first_data = header_index + 1
    if first_data < len(head) and _is_key_row(catalog.records[key], head[first_data]):
        columns = _prefer_key_row(catalog.records[key], head, header_index, columns)  # type: ignore[arg-type]
        first_data += 1
    table = Table(
        path=path,
        kind="csv",
        record=key,
        sheet=None,
        header_row=header_index + 1,
        columns=columns,
        labels=[column_letter(i) for i in range(len(columns))],
        headers=list(head[header_index]),
        encoding=encoding,
        delimiter=delimiter,
        first_data_row=first_data + 1,
    )
    _finish(catalog, table)
    return table


def _csv_rows(table: Table) -> Iterator[tuple[int, list[Any]]]:
    """Data records of a CSV, numbered as records (= lines when no cell spans lines)."""
    assert table.encoding is not None
    with _open_text(table.path, table.encoding) as handle:
        for number, cells in enumerate(csv_records(table.path, handle, table.delimiter), 1):
            if number >= table.first_data_row:
                yield number, [c if c != "" else None for c in cells]


def csv_records(path: Path, lines: Iterable[str], delimiter: str | type[csv.Dialect] = ","):
    """``csv.reader`` records, refusing what would lose rows silently: a quote still open
    at the end of the file (the rest of the file read as one cell) and a cell over the
    length limit. Located errors (exit 2)."""
    options = {"delimiter": delimiter} if isinstance(delimiter, str) else {"dialect": delimiter}
    reader = csv.reader(itertools.chain(lines, [EOF_MARK]), **options)  # type: ignore[arg-type]
    number = 0
    try:
        for number, cells in enumerate(reader, start=1):  # noqa: B007 - used after the loop
            if cells == [EOF_MARK]:
                return
            if cells and cells[-1].endswith(EOF_MARK):
                raise InputError(path, f"第 {number} 行：{UNCLOSED_QUOTE}")
            yield cells
    except csv.Error as exc:
        where = f"第 {reader.line_num} 行"
        if "field larger than field limit" in str(exc):
            raise LimitExceeded(
                f"{display_path(path)}：", "cell_chars", line=reader.line_num
            ) from exc
        raise InputError(path, f"{where}：CSV 格式错误：{exc}") from exc


# ── JSON and JSON Lines ───────────────────────────────────────────────────
def _read_json(catalog: Catalog, path: Path, record: str | None, lines: bool) -> Table:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(path, "不是 UTF-8 编码的 JSON 文件") from exc
    objects: list[tuple[int, Any]] = []
    if lines:
        for number, line in enumerate(text.splitlines(), start=1):
            if line.strip():
                objects.append((number, _parse_json(path, line, number)))
    else:
        data = _parse_json(path, text, None)
        if not isinstance(data, list):
            raise InputError(path, "JSON 文件应为对象数组 [{…}, {…}]")
        objects = list(enumerate(data, start=1))
    for number, obj in objects:
        if not isinstance(obj, dict):
            raise InputError(path, f"第 {number} 个{'行' if lines else '元素'}不是 JSON 对象")
    if not objects:
        raise InputError(path, "文件中没有数据（0 行）")
    names: list[str] = []
    for _, obj in objects:
        names.extend(k for k in obj if k not in names)
    key, _, columns = choose_record(catalog, path, [names], record)
    rows = [(number, [_json_cell(obj.get(n)) for n in names]) for number, obj in objects]
    table = Table(
        path=path,
        kind="jsonl" if lines else "json",
        record=key,
        sheet=None,
        header_row=0,
        columns=columns,
        labels=list(names),
        headers=list(names),
        _rows=rows,
    )
    _finish(catalog, table)
    return table


def _json_cell(value: Any) -> Any:
    return json.dumps(value, ensure_ascii=False) if isinstance(value, dict | list) else value


def _parse_json(path: Path, text: str, line: int | None) -> Any:
    check_json_depth(text, display_path(path), line or 1)
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        where = f"第 {line} 行" if line else f"第 {exc.lineno} 行"
        raise InputError(path, f"{where}{syntax_message(exc)}") from exc
    except ValueError as exc:  # an integer with more digits than Python converts
        raise LimitExceeded(f"{display_path(path)}：", "number_digits") from exc


# ── common ────────────────────────────────────────────────────────────────
def _finish(catalog: Catalog, table: Table) -> None:
    """A second column for the same field is ignored (and reported as unknown)."""
    seen: set[str] = set()
    for i, key in enumerate(table.columns):
        if key is not None and key in seen:
            table.columns[i] = None
        elif key is not None:
            seen.add(key)
    table.issues = table_issues(catalog, table)


def table_issues(catalog: Catalog, table: Table, lang: str = "zh") -> list[Issue]:
    """File-level issues: unknown columns (warning) and the template version."""
    schema = catalog.records[table.record]
    issues = [
        Issue(
            table.sheet,
            table.header_row or None,
            table.labels[i],
            None,
            "additionalProperties",
            render("additionalProperties", lang, column=table.headers[i], record=schema.title),
            table.headers[i],
            "warning",
        )  # fmt: skip
        for i, key in enumerate(table.columns)
        if key is None and i < len(table.headers) and str(table.headers[i]).strip()
    ]
    return issues + template_issues(catalog, table, lang)


def template_issues(catalog: Catalog, table: Table, lang: str = "zh") -> list[Issue]:
    """Warn when the template was made from another version; error on another major."""
    meta = table.meta
    if meta.get("template") != "infostd" or "version" not in meta:
        return []
    found = meta["version"]
    current = project_version(catalog.root.parent)
    base_found, base_current = found.split("+")[0], current.split("+")[0]

    def issue(message_id: str, severity: str) -> Issue:
        message = render(message_id, lang, found=found, current=current)
        return Issue(table.sheet, None, None, None, "template-version", message, found, severity)  # type: ignore[arg-type]

    if base_found.split(".")[0] != base_current.split(".")[0] and _is_release(base_found):
        return [issue("template-version:major", "error")]
    if base_found != base_current:
        return [issue("template-version", "warning")]
    checksum = meta.get("schema_sha256")
    if checksum and checksum != catalog.checksum(table.record):
        return [issue("template-version:checksum", "warning")]
    return []


def _is_release(version: str) -> bool:
    return bool(re.match(r"^\d+\.\d+\.\d+$", version))


def tables(catalog: Catalog, paths: Iterable[Path | str], record: str | None) -> list[Table]:
    return [read_table(catalog, p, record) for p in paths]
