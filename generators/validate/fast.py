"""The column-wise fast path: polars checks whole columns, Python explains the failures.

A renderer of the check plan (``checkplan.py``), like ``sql/expr.py``: every expression
comes from a ``FieldPlan`` or ``RulePlan`` through the tables below (``TYPE_POLARS``,
``STRING_KEYWORD_POLARS``, ``FORMAT_POLARS``, ``RULE_POLARS``); nothing here reads the
model. A rule kind without a polars renderer sends the table to the reference engine.

For each field a polars expression says "this cell is surely clean" (it is
exactly what the reference engine would accept without a word, and its
normalised value is known). Rows where any cell is not surely clean, or a
row rule does not surely pass, go through the reference engine
(``engine.check_row``), so every message comes from the same code as
``validate_rows``. Uniqueness and foreign keys use the normalised values of
both kinds of rows. Anything the expressions cannot decide exactly (an
unusual pattern, a ``multipleOf`` that is not a power of ten, …) is simply
"not surely clean": slower, never different.

CSV is read in batches (memory bounded by the batch size plus what
uniqueness and foreign keys must remember); xlsx rows are already in memory
(calamine loads the sheet) and are turned into text columns.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterator
from functools import lru_cache
from itertools import zip_longest
from typing import Any

import polars as pl

from ..checkplan import (
    FULL_WIDTH_CLASS,
    LEADING_SPACE,
    REGEX_FORMATS,
    TRAILING_SPACE,
    WHITESPACE,
    AlternativePlan,
    FieldPlan,
    Plan,
    RecordPlan,
    RulePlan,
    decimal_places,
    engine_plan,
    power_of_ten,
)
from ..formats import (
    RESIDENT_ID_CHECK,
    RESIDENT_ID_WEIGHTS,
    USCC_CHARSET,
    USCC_RE,
    USCC_WEIGHTS,
)
from ..model import Catalog
from .cells import FALSE_WORDS, TRUE_WORDS
from .engine import check_row, key_issue
from .issues import Issue
from .readers import Table

TEXT_TYPES = {str, type(None)}
BATCH_ROWS = 200_000  # xlsx rows per batch
BLOCK_BYTES = 16 << 20  # CSV bytes per batch (≈ 90,000 customer rows)
ROW = "__row"
SLOW = "__slow"
_WS = re.escape(WHITESPACE)  # for the blank-row test (WHITESPACE: checkplan, shared with SQL)
INT_RE = r"^-?(?:0|[1-9][0-9]{0,17})$"
DATE_RE = r"^[1-9][0-9]{3}-[0-9]{2}-[0-9]{2}$"
DATETIME_RE = r"^[1-9][0-9]{3}-[0-9]{2}-[0-9]{2}[T ](?:[01][0-9]|2[0-3]):[0-5][0-9](?::[0-5][0-9])?(?:\+08:00)?$"
Fields = dict[str, FieldPlan]  # a record's field plans by key


# ── which tables the fast path takes ─────────────────────────────────────
def fast_supported(catalog: Catalog, table: Table) -> bool:
    """CSV and xlsx whose keys are text and whose every rule has a polars rendering; any
    other table goes to the reference engine as a whole (same findings, slower)."""
    if table.kind not in ("csv", "xlsx"):
        return False
    plan = engine_plan(catalog)
    record = _record(plan, table.record)
    fields = {f.key: f for f in record.fields}
    keyed = {k for g in record.unique for k in g} | {fk["field"] for fk in record.foreign_keys}
    keyed |= {
        k
        for r in plan.records
        for fk in r.foreign_keys
        if fk["record"] == record.key
        for k in (fk["ref"], fk.get("where", {}).get("field"))  # a condition's field too
        if k is not None
    }
    if any(fields[k].type != "string" for k in keyed if k in fields):
        return False
    return all(rule_pass_expr(rule, fields, plan) is not None for rule in record.rules)


def _record(plan: Plan, key: str) -> RecordPlan:
    return next(r for r in plan.records if r.key == key)


# ── per-field expressions (FieldPlan → polars) ───────────────────────────
@lru_cache(maxsize=256)
def _regex_ok(pattern: str) -> bool:
    """polars (Rust regex) compiles the ``pattern``; else it is left to Python."""
    try:
        pl.select(pl.lit("").str.contains(pattern))
    except Exception:  # noqa: BLE001 - polars cannot compile it: leave it to Python
        return False
    return True


def normalised(f: FieldPlan, plan: Plan) -> pl.Expr:
    """The normalised value of a surely-clean cell (strings; codes for dropdown labels)."""
    col = pl.col(f.key)
    if f.codelist and f.type == "string":
        accepted = plan.codelists[f.codelist].silent()
        return col.replace_strict(accepted, default=None, return_dtype=pl.String)
    return pl.when(col != "").then(col)  # an empty cell (xlsx reads "") has no value


def clean_expr(f: FieldPlan, plan: Plan) -> pl.Expr:
    """True where the reference engine would accept the cell silently."""
    col = pl.col(f.key)
    empty = col.is_null() | (col == "")
    ok = TYPE_POLARS[f.type](f, plan).fill_null(False)
    return pl.when(empty).then(pl.lit(not f.required)).otherwise(ok)


def _string_ok(f: FieldPlan, plan: Plan) -> pl.Expr:
    col = pl.col(f.key)
    ok = pl.lit(True)
    if not f.exact_text:  # else the field's own checks reject such text anyway
        ok = ~col.str.contains(LEADING_SPACE) & ~col.str.contains(TRAILING_SPACE)
        if f.typed:
            ok = ok & ~col.str.contains(FULL_WIDTH_CLASS)
    value = normalised(f, plan)
    if f.codelist:
        ok = ok & value.is_not_null()
    for key, param in f.keywords:
        if key != "anyOf":  # rendered from the plan's alternatives below
            ok = ok & STRING_KEYWORD_POLARS.get(key, _undecided)(value, param)
    if f.alternatives:  # anyOf: one alternative surely holds (one it cannot decide: False)
        ok = ok & pl.any_horizontal(*(_alternative_ok(a, value) for a in f.alternatives))
    if f.code_rule is not None:  # the regex accepts exactly the values CodeRule.split does
        ok = ok & value.str.contains(f.code_rule)
    return ok


def _integer_ok(f: FieldPlan, plan: Plan) -> pl.Expr:
    col = pl.col(f.key)
    return col.str.contains(INT_RE) & _number_checks(f, col.cast(pl.Int64, strict=False), True)


def _number_ok(f: FieldPlan, plan: Plan) -> pl.Expr:
    """A plain decimal text of ≤ 16 characters (what Python reads exactly through float);
    a ``multipleOf`` that is a power of ten limits the decimals, an integer step is a
    remainder on the integer text; any other step is left to Python."""
    col = pl.col(f.key)
    step = dict(f.number_keywords).get("multipleOf")
    whole = step is not None and float(step).is_integer()
    if step is not None and not whole and not power_of_ten(step):
        return pl.lit(False)
    places = None if step is None else decimal_places(step)
    fraction = (
        r"(?:\.[0-9]+)?" if places is None else (f"(?:\\.[0-9]{{1,{places}}})?" if places else "")
    )
    shape = col.str.contains(rf"^-?(?:0|[1-9][0-9]*){fraction}$") & (col.str.len_chars() <= 16)
    ok = shape & _number_checks(f, col.cast(pl.Float64, strict=False), False)
    if whole:
        ok = ok & (col.cast(pl.Int64, strict=False) % int(step) == 0)
    return ok


def _number_checks(f: FieldPlan, value: pl.Expr, integer: bool) -> pl.Expr:
    ok = value.is_not_null()
    for key, limit in f.number_keywords:
        if key in NUMBER_LIMITS:
            ok = ok & NUMBER_LIMITS[key](value, limit)
        elif key == "multipleOf" and integer:
            ok = ok & (value % int(limit) == 0) if float(limit).is_integer() else pl.lit(False)
    if _const_or_enum(f):  # on numbers: rare; the reference decides
        ok = ok & pl.lit(False)
    return ok


def _const_or_enum(f: FieldPlan) -> bool:
    return any(key in ("const", "enum") for key, _ in f.keywords)


NUMBER_LIMITS: dict[str, Callable[[pl.Expr, Any], pl.Expr]] = {
    "minimum": lambda v, m: v >= m,
    "exclusiveMinimum": lambda v, m: v > m,
    "maximum": lambda v, m: v <= m,
    "exclusiveMaximum": lambda v, m: v < m,
}


def _boolean_ok(f: FieldPlan, plan: Plan) -> pl.Expr:
    if _const_or_enum(f):  # on booleans: the reference decides
        return pl.lit(False)
    return pl.col(f.key).str.to_lowercase().is_in(sorted(TRUE_WORDS | FALSE_WORDS))


def _moment_ok(f: FieldPlan, plan: Plan) -> pl.Expr:
    if f.keywords:  # const/enum/pattern/length on the normalised date text: the reference
        return pl.lit(False)
    shape = DATE_RE if f.type == "date" else DATETIME_RE
    return pl.col(f.key).str.contains(shape) & moment(f).is_not_null()


TYPE_POLARS: dict[str, Callable[[FieldPlan, Plan], pl.Expr]] = {
    "string": _string_ok,
    "integer": _integer_ok,
    "number": _number_ok,
    "boolean": _boolean_ok,
    "date": _moment_ok,
    "date-time": _moment_ok,
}


def _const(value: pl.Expr, const: Any) -> pl.Expr:
    return value == const if isinstance(const, str) else pl.lit(False)


def _pattern(value: pl.Expr, pattern: str) -> pl.Expr:
    return value.str.contains(pattern) if _regex_ok(pattern) else pl.lit(False)


def _format(value: pl.Expr, name: str) -> pl.Expr:
    render = FORMAT_POLARS.get(name)
    return pl.lit(False) if render is None else render(value)  # unknown: the reference


def _alternative_ok(a: AlternativePlan, value: pl.Expr) -> pl.Expr:
    """One ``anyOf`` item: its pattern, format and lengths, by the keyword renderers."""
    ok = pl.lit(True)
    for key, param in (("pattern", a.pattern), ("format", a.format),
                       ("minLength", a.min_length), ("maxLength", a.max_length)):  # fmt: skip
        if param is not None:
            ok = ok & STRING_KEYWORD_POLARS[key](value, param)
    return ok


def _undecided(value: pl.Expr, param: Any) -> pl.Expr:
    return pl.lit(False)


# A string keyword on the normalised value → "surely passes" (pl.lit(False): undecided;
# a keyword missing here is undecided too: its cells go to the reference).
STRING_KEYWORD_POLARS: dict[str, Callable[[pl.Expr, Any], pl.Expr]] = {
    "const": _const,
    "enum": lambda v, values: v.is_in([x for x in values if isinstance(x, str)]),
    "pattern": _pattern,
    "format": _format,
    "minLength": lambda v, n: v.str.len_chars() >= n,
    "maxLength": lambda v, n: v.str.len_chars() <= n,
}


def _uscc_ok(value: pl.Expr) -> pl.Expr:
    """The check character, on the 18 bytes of the code (null unless exactly 18 bytes):
    byte → character value by a 256-entry table, 4× faster than 18 ``str.slice``."""
    index = {ord(c): i for i, c in enumerate(USCC_CHARSET)}
    table = pl.lit(pl.Series([index.get(b, -1000) for b in range(256)], dtype=pl.Int32))
    codes = value.cast(pl.Binary).bin.reinterpret(dtype=pl.Array(pl.UInt8, 18))
    total = pl.sum_horizontal(
        table.gather(codes.arr.get(i)) * w for i, w in enumerate(USCC_WEIGHTS)
    )
    check = (31 - total % 31) % 31
    return value.str.contains(USCC_RE.pattern) & (check == table.gather(codes.arr.get(17)))


def _resident_id_ok(value: pl.Expr) -> pl.Expr:
    total = pl.sum_horizontal(
        value.str.slice(i, 1).cast(pl.Int32, strict=False) * w
        for i, w in enumerate(RESIDENT_ID_WEIGHTS)
    )
    check = value.str.slice(17, 1)
    expected = (total % 11).replace_strict(
        dict(enumerate(RESIDENT_ID_CHECK)), return_dtype=pl.String
    )
    birth = value.str.slice(6, 8).str.strptime(pl.Date, "%Y%m%d", strict=False)
    return (
        value.str.contains(r"^[1-9][0-9]{16}[0-9X]$")
        & birth.is_not_null()
        & (value.str.slice(6, 1) != "0")
        & (check == expected)
    )


def _regex_format(pattern: str) -> Callable[[pl.Expr], pl.Expr]:
    return lambda value: value.str.contains(pattern)


# A format → "the value surely passes"; a format missing here (url, date on a string
# field, a new one) makes its cells "not surely clean": the reference decides.
FORMAT_POLARS: dict[str, Callable[[pl.Expr], pl.Expr]] = {
    **{name: _regex_format(pattern) for name, pattern in REGEX_FORMATS.items()},
    "cn-uscc": _uscc_ok,
    "cn-resident-id": _resident_id_ok,
}


def moment(f: FieldPlan) -> pl.Expr:
    """A date or date-time cell as a naive China-time datetime (null when not parseable)."""
    col = pl.col(f.key)
    if f.type == "date":
        return col.str.strptime(pl.Datetime("us"), "%Y-%m-%d", strict=False)
    text = col.str.replace("T", " ").str.slice(0, 19)
    text = pl.when(text.str.len_chars() == 16).then(text + ":00").otherwise(text)
    return text.str.strptime(pl.Datetime("us"), "%Y-%m-%d %H:%M:%S", strict=False)


# ── rules (RulePlan → polars) ────────────────────────────────────────────
def rule_pass_expr(rule: RulePlan, fields: Fields, plan: Plan) -> pl.Expr | None:
    """True where the rule surely holds on surely-clean cells; None when polars cannot
    decide this rule (no renderer for its kind, or fields of other types): the table
    then goes to the reference engine (``fast_supported``)."""
    render = RULE_POLARS.get(rule.type)
    held = None if render is None else render(rule, fields, plan)
    since = rule.params.get("from")
    if held is None or since is None:
        return held
    # a row before the rule's effective date is exempt: never "surely clean", so the
    # reference engine sees it and counts it (the report's rule-exempt warning)
    before = moment(fields[since["field"]]) < pl.lit(dt.datetime.fromisoformat(since["date"]))
    return (held & ~before.fill_null(False)).fill_null(False)


def _order(rule: RulePlan, fields: Fields, plan: Plan) -> pl.Expr | None:
    start_f, end_f = fields[rule.params["start"]], fields[rule.params["end"]]
    if start_f.type not in ("date", "date-time") or end_f.type not in ("date", "date-time"):
        return None
    start, end = moment(start_f), moment(end_f)
    ok = start <= end
    if rule.type == "max-interval" and rule.max_seconds is not None:
        ok = ok & ((end - start) <= pl.lit(dt.timedelta(seconds=rule.max_seconds)))
    return (start.is_null() | end.is_null() | ok).fill_null(False)


def _required_if(rule: RulePlan, fields: Fields, plan: Plan) -> pl.Expr | None:
    when, target = fields[rule.params["when"]["field"]], fields[rule.params["field"]]
    if when.type != "string":
        return None
    trigger = normalised(when, plan).eq_missing(pl.lit(rule.params["when"]["equals"]))
    present = pl.col(target.key).is_not_null() & (pl.col(target.key) != "")
    return (~trigger | present).fill_null(False)


def _filled(key: str) -> pl.Expr:
    return pl.col(key).is_not_null() & (pl.col(key) != "")


def _required_any(rule: RulePlan, fields: Fields, plan: Plan) -> pl.Expr | None:
    return pl.any_horizontal([_filled(k) for k in rule.params["fields"]]).fill_null(False)


def _segment_equals(rule: RulePlan, fields: Fields, plan: Plan) -> pl.Expr | None:
    """The code's part by a regex with one group per segment: alternations longest code
    first under leftmost-first matching try cuts in ``CodeRule.split``'s order, so the
    groups are its parts."""
    code, other = fields[rule.params["field"]], fields[rule.params["equals"]]
    if not code.code_rule_segments or other.type != "string":
        return None
    groups = "".join(f"({s.regex})" for s in code.code_rule_segments)
    part = pl.col(code.key).str.extract(f"^{groups}$", rule.params["segment"])
    value = normalised(other, plan)
    return (part.is_null() | value.is_null() | (part == value)).fill_null(False)


def _weekdays_through(day: pl.Expr) -> pl.Expr:
    """Mondays–Fridays from 0001-01-01 (a Monday) through ``day`` (rules.weekdays_before)."""
    n = (day - pl.lit(dt.date(1, 1, 1))).dt.total_days() + 1
    return 5 * (n // 7) + pl.min_horizontal(n % 7, pl.lit(5))


def _between(dates: list[str], start: pl.Expr, end: pl.Expr) -> pl.Expr:
    """How many of the calendar's ISO dates are in (start, end]."""
    if not dates:
        return pl.lit(0)
    days = [pl.lit(dt.date.fromisoformat(d)) for d in dates]
    return pl.sum_horizontal([((d > start) & (d <= end)).cast(pl.Int64) for d in days])


def _workdays(rule: RulePlan, fields: Fields, plan: Plan) -> pl.Expr | None:
    start_f, end_f = fields[rule.params["start"]], fields[rule.params["end"]]
    if start_f.type not in ("date", "date-time") or end_f.type not in ("date", "date-time"):
        return None
    start, end = moment(start_f), moment(end_f)
    s, e = start.dt.date(), end.dt.date()
    calendar = plan.calendars[rule.params["calendar"]]
    used = (
        _weekdays_through(e) - _weekdays_through(s)
        - _between(calendar.off, s, e) + _between(calendar.on, s, e)
    )  # fmt: skip
    ok = (start <= end) & (used <= rule.params["max"])
    return (start.is_null() | end.is_null() | ok).fill_null(False)


# One renderer per rule kind (as sql/expr.RULE_SQL). A kind missing here is not an error:
# tables of records using it are validated by the reference engine.
RULE_POLARS: dict[str, Callable[[RulePlan, Fields, Plan], pl.Expr | None]] = {
    "date-order": _order,
    "max-interval": _order,
    "max-workdays": _workdays,
    "required-if": _required_if,
    "required-any": _required_any,
    "segment-equals": _segment_equals,
}


# ── batches ──────────────────────────────────────────────────────────────
def _csv_blocks(table: Table) -> Iterator[bytes]:
    """The CSV as UTF-8 bytes in blocks of whole records (about BLOCK_BYTES each), so
    memory stays bounded whatever the file size. GB18030 is transcoded block by block:
    its multi-byte characters never contain the ASCII bytes a split looks at."""
    encoding = table.encoding or "utf-8"
    delimiter = table.delimiter.encode()
    with table.path.open("rb") as handle:
        if encoding == "utf-8-sig":
            handle.read(3)
        rest = b""
        while True:
            chunk = handle.read(BLOCK_BYTES)
            data = rest + chunk
            cut = _records_end(data, delimiter) if chunk else len(data)
            if not chunk and data and _records_end(data + b"\n", delimiter) <= len(data):
                raise NotFast("a quote still open at the end of the file")
            if data.find(b"\r", 0, cut) >= 0 and LONE_CR.search(data, 0, cut):
                raise NotFast("a line ends with a lone CR, which polars does not split on")
            if cut:
                block = data[:cut]
                yield block if encoding.startswith("utf-8") else block.decode(encoding).encode()
            rest = data[cut:]
            if not chunk:
                return


class NotFast(Exception):  # noqa: N818 - a signal, not an error
    """The file has something polars reads differently from the csv module: the
    reference engine takes the whole table (same results, or its located error)."""


LONE_CR = re.compile(rb"\r(?!\n)")


def _records_end(data: bytes, delimiter: bytes) -> int:
    """End of the last complete record in ``data`` (which starts at a record start): after
    the last line break outside quotes, as Python's csv module reads it (a quote opens a
    quoted cell only at the start of a cell; ``""`` inside is a quote). 0 when none."""
    newline = data.rfind(b"\n")
    if newline < 0 or b'"' not in data:
        return newline + 1
    quoted: list[tuple[int, int]] = []  # (opening quote, closing quote or len(data))
    i = 0
    while (q := data.find(b'"', i)) >= 0:
        if q and data[q - 1 : q] not in (delimiter, b"\n", b"\r"):
            i = q + 1  # a quote inside an unquoted cell is just a character
            continue
        close = q + 1
        while (close := data.find(b'"', close)) >= 0 and data[close + 1 : close + 2] == b'"':
            close += 2
        if close < 0 or close == len(data) - 1:  # unclosed, or maybe the first of ""
            quoted.append((q, len(data)))
            break
        quoted.append((q, close))
        i = close + 1
    for opening, closing in reversed(quoted):
        if newline > closing:
            break
        if newline > opening:
            newline = data.rfind(b"\n", 0, opening)
    return newline + 1


def _csv_frames(table: Table) -> Iterator[pl.LazyFrame]:
    """Per block: the text columns named by field key, the record number (ROW) and SLOW.
    Header rows are not dropped here (the caller needs each block's record count)."""
    names = [f"c{i}" for i in range(len(table.columns))]
    keep = [pl.col(f"c{i}").alias(k) for i, k in enumerate(table.columns) if k is not None]
    for block in _csv_blocks(table):
        frame = pl.scan_csv(
            block, has_header=False, schema=dict.fromkeys(names, pl.String),
            separator=table.delimiter, truncate_ragged_lines=True, row_index_name=ROW,
            missing_columns="insert",  # a block may start with a short record
        )  # fmt: skip
        yield frame.select(ROW, *keep).with_columns(pl.lit(False).alias(SLOW))


def _xlsx_batches(
    table: Table, fields: Fields, typed: set[tuple[int, str]]
) -> Iterator[pl.DataFrame]:
    """Text columns from calamine rows; Excel-typed cells the text form cannot stand for
    are recorded in ``typed`` (their rows go to the reference engine). Rows are turned
    into columns in C (``zip``); only columns holding typed cells are converted in Python."""
    rows = table._rows or []
    keyed = [(i, fields[k]) for i, k in enumerate(table.columns) if k is not None]
    for start in range(0, len(rows), BATCH_ROWS):
        chunk = rows[start : start + BATCH_ROWS]
        numbers = [n for n, _ in chunk]
        columns = list(zip_longest(*(cells for _, cells in chunk)))
        slow = [False] * len(chunk)
        data: dict[str, Any] = {ROW: numbers}
        for index, f in keyed:
            column = columns[index] if index < len(columns) else (None,) * len(chunk)
            if not set(map(type, column)) <= TEXT_TYPES:
                column = list(column)
                for r, v in enumerate(column):
                    if v is not None and type(v) is not str:
                        column[r] = _typed_cell(f, v)
                        if column[r] is None:
                            slow[r] = True
                            typed.add((numbers[r], f.key))
            data[f.key] = pl.Series(f.key, column, dtype=pl.String)
        data[SLOW] = slow
        yield pl.DataFrame(data)


def _typed_cell(f: FieldPlan, v: Any) -> str | None:
    """Text for an Excel-typed cell when the fast path can take it, else None."""
    if isinstance(v, bool):
        return None
    if isinstance(v, int | float) and f.type in ("number", "integer"):
        if isinstance(v, float) and v.is_integer() and abs(v) < 1e15:
            return str(int(v))
        return repr(v) if isinstance(v, float) else str(v)
    if isinstance(v, dt.datetime) and f.type == "date-time":
        return v.strftime("%Y-%m-%d %H:%M:%S") if v.tzinfo is None else None
    if isinstance(v, dt.date) and not isinstance(v, dt.datetime) and f.type == "date":
        return v.isoformat()
    if isinstance(v, dt.datetime) and f.type == "date" and v.time() == dt.time():
        return v.date().isoformat()
    return None


# ── the engine ───────────────────────────────────────────────────────────
def fast_engine(
    catalog: Catalog, table: Table, refs: set[str], lang: str, progress=None, as_of=None
):
    from .api import TableResult, context

    ctx = context(catalog, table, lang, as_of)
    # retired codes are never "surely clean": the reference warns (or reports) them
    plan = engine_plan(catalog.active_only())
    record = _record(plan, table.record)
    fields = {f.key: f for f in record.fields}
    present = [f.key for f in record.fields if f.key in set(table.columns)]
    fk_fields = sorted({fk["field"] for fk in record.foreign_keys})
    wanted = set(refs) | {fk["ref"] for fk in record.foreign_keys if fk["record"] == record.key}
    cited = {k for ref in wanted for k in ref.split("?")}  # "ref?field": conditional targets
    key_fields = sorted({k for g in record.unique for k in g} | set(fk_fields) | cited)
    checks = _block_query(plan, record, present, key_fields)
    issues: list[Issue] = []
    fk_rows: list[tuple[int, dict]] = []
    own: dict[str, set] = {ref: set() for ref in wanted}
    unique_parts: list[list[pl.DataFrame]] = [[] for _ in record.unique]
    count = 0
    typed: set[tuple[int, str]] = set()
    by_number = dict(table._rows or []) if table.kind == "xlsx" else {}
    # With a required field, a blank row is never clean: it is found among the slow rows.
    blank_is_slow = any(f.required for f in record.fields)

    def take(flags: pl.DataFrame) -> None:
        nonlocal count
        if not blank_is_slow:
            flags = flags.filter(~_blank(flags, present))
        slow = flags.filter(pl.col(SLOW))
        count += flags.height
        if blank_is_slow:
            blank = _blank(slow, present)
            count -= blank.sum()
            slow = slow.filter(~blank)
        slow_values = _slow_rows(ctx, plan, fields, table, present, slow, by_number, typed, issues)
        fast_keys = flags.filter(~pl.col(SLOW)).select(
            ROW, *[pl.col(f"__key_{k}").alias(k) for k in key_fields]
        )
        slow_keys = pl.DataFrame(
            {
                ROW: [n for n, _ in slow_values],
                **{k: [v.get(k) for _, v in slow_values] for k in key_fields},
            },
            schema={ROW: fast_keys.schema[ROW], **{k: pl.String for k in key_fields}},
        )
        both = pl.concat([fast_keys, slow_keys])
        for group, parts in zip(record.unique, unique_parts, strict=True):
            parts.append(both.select(ROW, *group).drop_nulls())
        for k in fk_fields:
            part = both.select(ROW, k).drop_nulls()
            fk_rows.extend((n, {k: v}) for n, v in part.iter_rows())
        for ref in wanted:
            key, _, held = ref.partition("?")
            if held:  # (value, condition value) pairs, as engine.collect
                pairs = both.select(key, held).filter(pl.col(key).is_not_null())
                own[ref].update(pairs.iter_rows())
            else:
                own[ref].update(both.get_column(key).drop_nulls().to_list())
        if progress:
            progress(str(table.path), count, None)

    _run_batches(table, fields, checks, typed, take)
    for group, parts in zip(record.unique, unique_parts, strict=True):
        issues += _unique_issues(ctx, group, parts)
    return TableResult(count, issues, _merge_fk(fk_rows), own, ctx.exempt)


def _block_query(plan: Plan, record: RecordPlan, present: list[str], key_fields: list[str]):
    """LazyFrame → LazyFrame: ROW, SLOW (not surely clean), the cells, one ``__ok_KEY`` per
    cell (surely clean), and ``__key_KEY``: the normalised values uniqueness and foreign
    keys need. Every expression is rendered from the record's plan."""
    by_key = {f.key: f for f in record.fields}
    fields = [by_key[k] for k in present]
    missing_required = any(f.required and f.key not in present for f in record.fields)
    rules = [rule_pass_expr(r, by_key, plan) for r in record.rules]
    if any(r is None for r in rules):  # fast_supported said no: never reached
        raise NotFast("a rule without a polars rendering")
    oks = [f"__ok_{k}" for k in present]
    ok = pl.all_horizontal([pl.col(c) for c in oks] + rules + [pl.lit(not missing_required)])
    absent = [f.key for f in record.fields if f.key not in present]

    def query(frame: pl.LazyFrame) -> pl.LazyFrame:
        return (
            frame.with_columns(pl.lit(None, dtype=pl.String).alias(k) for k in absent)
            .with_columns(clean_expr(f, plan).alias(c) for f, c in zip(fields, oks, strict=True))
            .with_columns((~ok | pl.col(SLOW)).alias(SLOW))
            .select(
                ROW,
                SLOW,
                *present,
                *oks,
                *[normalised(by_key[k], plan).alias(f"__key_{k}") for k in key_fields],
            )  # fmt: skip
        )

    return query


def _run_batches(table: Table, fields: Fields, checks, typed, take) -> None:
    """``take`` each checked batch of data rows; memory stays bounded by the batch size.
    CSV: polars reads and checks a block in one streaming pipeline."""
    if table.kind == "xlsx":
        for frame in _xlsx_batches(table, fields, typed):
            take(checks(frame.lazy()).collect())
        return
    first = 1  # record number of the block's first record
    for frame in _csv_frames(table):
        flags = checks(frame).collect(engine="streaming")
        records = flags.height
        flags = flags.with_columns(pl.col(ROW) + first)
        if first < table.first_data_row:
            flags = flags.filter(pl.col(ROW) >= table.first_data_row)
        first += records
        take(flags)


def _blank_expr(cells: list[str]) -> pl.Expr:
    return pl.all_horizontal(
        pl.col(c).is_null() | pl.col(c).str.contains(f"^[{_WS}]*$") for c in cells
    )


def _blank(frame: pl.DataFrame, cells: list[str]) -> pl.Series:
    """Rows whose mapped cells are all empty or spaces (``Table.rows`` skips them)."""
    if not cells:
        return pl.Series([False] * frame.height)
    return frame.select(_blank_expr(cells)).to_series()


def _merge_fk(rows: list[tuple[int, dict]]) -> list[tuple[int, dict]]:
    merged: dict[int, dict] = {}
    for n, values in rows:
        merged.setdefault(n, {}).update(values)
    return sorted(merged.items())


def _slow_rows(
    ctx, plan: Plan, fields: Fields, table: Table, present: list[str], slow: pl.DataFrame,
    by_number: dict, typed: set[tuple[int, str]], issues: list[Issue],
) -> list[tuple[int, dict]]:  # fmt: skip
    """The reference engine on the rows the column checks did not clear (``slow``: the
    cells as read and which of them were cleared). Cleared cells keep their normalised
    value and are not checked again."""
    if not slow.height:
        return []
    normal = slow.select(normalised(fields[k], plan).alias(k) for k in present)
    cleared = slow.select(f"__ok_{k}" for k in present)
    keyed = [(i, k) for i, k in enumerate(table.columns) if k is not None]
    out = []
    for number, cells, values, oks in zip(
        slow.get_column(ROW), slow.select(present).iter_rows(), normal.iter_rows(),
        cleared.iter_rows(), strict=True,
    ):  # fmt: skip
        if table.kind == "xlsx":
            sheet_row = by_number[number]
            row = {k: sheet_row[i] if i < len(sheet_row) else None for i, k in keyed}
        else:
            row = dict(zip(present, cells, strict=True))
        known = {
            k: v
            for k, v, ok in zip(present, values, oks, strict=True)
            if ok and (number, k) not in typed
        }
        values, found = check_row(ctx, number, row, known)
        issues.extend(found)
        out.append((number, values))
    return out


def _unique_issues(ctx, group: list[str], parts: list[pl.DataFrame]) -> list[Issue]:
    if not parts:
        return []
    frame = pl.concat(parts)
    dup = (
        frame.with_columns(pl.col(ROW).min().over(group).alias("__first"))
        .filter(pl.col(ROW) != pl.col("__first"))
        .sort(ROW)
    )
    f = ctx.schema.field_by_key[group[0]]
    return [
        key_issue(ctx, "unique", f, row[group[0]], row[ROW], first_row=row["__first"])
        for row in dup.iter_rows(named=True)
    ]
