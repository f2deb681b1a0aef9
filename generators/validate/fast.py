"""The column-wise fast path: polars checks whole columns, Python explains the failures.

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
from collections.abc import Iterator
from decimal import Decimal
from itertools import zip_longest
from typing import Any

import polars as pl

from ..formats import (
    EMAIL_RE,
    INTL_PHONE_RE,
    MOBILE_RE,
    RESIDENT_ID_CHECK,
    RESIDENT_ID_WEIGHTS,
    USCC_CHARSET,
    USCC_RE,
    USCC_WEIGHTS,
)
from ..model import Catalog, Field, Schema, field_codelist
from ..rules import parse_duration
from .cells import FALSE_WORDS, TRUE_WORDS, _typed
from .engine import check_row, key_issue
from .issues import Issue
from .readers import Table

TEXT_TYPES = {str, type(None)}
BATCH_ROWS = 200_000  # xlsx rows per batch
BLOCK_BYTES = 16 << 20  # CSV bytes per batch (≈ 90,000 customer rows)
ROW = "__row"
SLOW = "__slow"
# Exactly the characters Python's str.strip() removes (str.isspace), so "no stray spaces"
# means the same here and in cells.py; tests/test_validate_fast.py checks the list.
WHITESPACE = (
    "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005"
    "\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000"
)
_WS = "".join(re.escape(c) for c in WHITESPACE)
LEADING_SPACE, TRAILING_SPACE = f"^[{_WS}]", f"[{_WS}]$"  # one alternation is 3× slower
FULL_WIDTH = "[\uff01-\uff5e\u3000]"
INT_RE = r"^-?(?:0|[1-9][0-9]{0,17})$"
DATE_RE = r"^[1-9][0-9]{3}-[0-9]{2}-[0-9]{2}$"
DATETIME_RE = r"^[1-9][0-9]{3}-[0-9]{2}-[0-9]{2}[T ](?:[01][0-9]|2[0-3]):[0-5][0-9](?::[0-5][0-9])?(?:\+08:00)?$"


# ── which tables the fast path takes ─────────────────────────────────────
def fast_supported(catalog: Catalog, table: Table) -> bool:
    if table.kind not in ("csv", "xlsx"):
        return False
    schema = catalog.records[table.record]
    keyed = {k for g in schema.unique for k in g} | {fk.field for fk in schema.foreign_keys}
    keyed |= {
        k
        for r in catalog.records.values()
        for fk in r.foreign_keys
        if fk.record == schema.key
        for k in (fk.ref, fk.where_field)
        if k is not None
    }
    if any(schema.field_by_key[k].type != "string" for k in keyed if k in schema.field_by_key):
        return False
    return all(_rule_expr_supported(schema, r) for r in schema.rules)


def _rule_expr_supported(schema: Schema, rule) -> bool:
    if rule.type in ("max-interval", "date-order"):
        return all(
            schema.field_by_key[rule.params[k]].type in ("date", "date-time")
            for k in ("start", "end")
        )
    if rule.type == "required-if":
        return schema.field_by_key[rule.params["when"]["field"]].type == "string"
    return rule.type in ("required-any", "segment-equals")


# ── per-field expressions ────────────────────────────────────────────────
def _regex_ok(pattern: str) -> bool:
    try:
        pl.select(pl.lit("").str.contains(pattern))
    except Exception:  # noqa: BLE001 - polars cannot compile it: leave it to Python
        return False
    return True


def _power_of_ten_places(step: float) -> int | None:
    """0.01 → 2, 1 → 0; None for other steps."""
    d = Decimal(str(step)).normalize()
    if d.as_tuple().digits != (1,):
        return None
    return max(0, -d.as_tuple().exponent)


def normalised(f: Field, catalog: Catalog) -> pl.Expr:
    """The normalised value of a surely-clean cell (strings; codes for dropdown labels)."""
    col = pl.col(f.key)
    if f.codelist and f.type == "string":
        cl = field_codelist(f, catalog.codelists)
        mapping = {**{c: c for c in cl.codes}, **cl._by_label}
        return col.replace_strict(mapping, default=None, return_dtype=pl.String)
    return pl.when(col != "").then(col)  # an empty cell (xlsx reads "") has no value


def clean_expr(f: Field, catalog: Catalog) -> pl.Expr:
    """True where the reference engine would accept the cell silently."""
    col = pl.col(f.key)
    empty = col.is_null() | (col == "")
    if f.type == "string":
        ok = pl.lit(True)
        if not _exact_text_only(f, catalog):
            ok = ~col.str.contains(LEADING_SPACE) & ~col.str.contains(TRAILING_SPACE)
            if _typed(f):
                ok = ok & ~col.str.contains(FULL_WIDTH)
        value = normalised(f, catalog)
        if f.codelist:
            ok = ok & value.is_not_null()
        ok = ok & _string_checks(f, value, catalog)
    elif f.type == "integer":
        ok = col.str.contains(INT_RE) & _number_checks(f, col.cast(pl.Int64, strict=False), True)
    elif f.type == "number":
        ok = _number_text(f, col) & _number_checks(f, col.cast(pl.Float64, strict=False), False)
    elif f.type == "boolean":
        ok = col.str.to_lowercase().is_in(sorted(TRUE_WORDS | FALSE_WORDS))
    elif f.type == "date":
        ok = col.str.contains(DATE_RE) & moment(f).is_not_null()
    else:
        ok = col.str.contains(DATETIME_RE) & moment(f).is_not_null()
    filled = ok.fill_null(False)
    return pl.when(empty).then(pl.lit(not f.required)).otherwise(filled)


ASCII_FORMATS = {"cn-mobile", "intl-phone", "cn-uscc", "email", "cn-resident-id"}


def _plain(texts) -> bool:
    """No text with a space at either end or a full-width character."""
    return all(t == t.strip() and not re.search(FULL_WIDTH, t) for t in texts)


def _exact_text_only(f: Field, catalog: Catalog) -> bool:
    """True when the field's own value checks already reject any text with a space at
    either end or a full-width character (a code list or enum of plain texts, a code rule
    or format of printable ASCII): the separate, costly text scans are then redundant."""
    if f.codelist:
        cl = field_codelist(f, catalog.codelists)
        return _plain([*cl.codes, *cl._by_label])
    if f.enum is not None:
        return _plain([v for v in f.enum if isinstance(v, str)])
    if f.format in ASCII_FORMATS:
        return True
    if f.code_rule is not None:
        return all(
            seg.kind in ("digits", "letters")
            or (seg.kind == "text" and str(seg.value).isascii() and _plain([str(seg.value)]))
            or (seg.kind == "codelist" and _plain(catalog.codelists[str(seg.value)].codes))
            for seg in f.code_rule.segments
        )
    return False


def _number_text(f: Field, col: pl.Expr) -> pl.Expr:
    places = None if f.multiple_of is None else _power_of_ten_places(f.multiple_of)
    if f.multiple_of is not None and places is None:
        return pl.lit(False)
    decimals = (
        r"(?:\.[0-9]+)?" if places is None else (f"(?:\\.[0-9]{{1,{places}}})?" if places else "")
    )
    return col.str.contains(rf"^-?(?:0|[1-9][0-9]*){decimals}$") & (col.str.len_chars() <= 16)


def _number_checks(f: Field, value: pl.Expr, integer: bool) -> pl.Expr:
    ok = value.is_not_null()
    if f.minimum is not None:
        ok = ok & (value >= f.minimum)
    if f.exclusive_minimum is not None:
        ok = ok & (value > f.exclusive_minimum)
    if f.maximum is not None:
        ok = ok & (value <= f.maximum)
    if f.exclusive_maximum is not None:
        ok = ok & (value < f.exclusive_maximum)
    if integer and f.multiple_of is not None:
        step = f.multiple_of
        ok = ok & (value % int(step) == 0) if float(step).is_integer() else pl.lit(False)
    if f.const is not None:
        ok = ok & pl.lit(False)
    if f.enum is not None:
        ok = ok & pl.lit(False)
    return ok


def _string_checks(f: Field, value: pl.Expr, catalog: Catalog) -> pl.Expr:
    ok = pl.lit(True)
    if f.const is not None:
        ok = ok & (value == f.const) if isinstance(f.const, str) else pl.lit(False)
    if f.enum is not None:
        strings = [v for v in f.enum if isinstance(v, str)]
        ok = ok & value.is_in(strings)
    if f.code_rule is not None:
        ok = ok & value.str.contains(f.code_rule.regex(catalog.codelists))
    ok = ok & _shape_ok(f.format, f.pattern, f.min_length, f.max_length, value)
    if f.alternatives:  # anyOf: one alternative surely holds (one it cannot decide: False)
        ok = ok & pl.any_horizontal(
            *(_shape_ok(a.format, a.pattern, a.min_length, a.max_length, value)
              for a in f.alternatives)
        )  # fmt: skip
    return ok


def _shape_ok(
    fmt: str | None, pattern: str | None, low: int | None, high: int | None, value: pl.Expr
) -> pl.Expr:
    """Pattern, format and lengths: of the field, or of one ``anyOf`` alternative."""
    ok = pl.lit(True)
    if pattern is not None:
        ok = ok & value.str.contains(pattern) if _regex_ok(pattern) else pl.lit(False)
    if fmt == "cn-mobile":
        ok = ok & value.str.contains(MOBILE_RE.pattern)
    elif fmt == "intl-phone":
        ok = ok & value.str.contains(INTL_PHONE_RE.pattern)
    elif fmt == "email":
        ok = ok & value.str.contains(EMAIL_RE.pattern)
    elif fmt == "cn-uscc":
        ok = ok & value.str.contains(USCC_RE.pattern) & _uscc_digit_ok(value)
    elif fmt == "cn-resident-id":
        ok = ok & _resident_id_ok(value)
    elif fmt is not None:
        ok = pl.lit(False)
    if low is not None:
        ok = ok & (value.str.len_chars() >= low)
    if high is not None:
        ok = ok & (value.str.len_chars() <= high)
    return ok


def _uscc_digit_ok(value: pl.Expr) -> pl.Expr:
    """The check character, on the 18 bytes of the code (null unless exactly 18 bytes):
    byte → character value by a 256-entry table, 4× faster than 18 ``str.slice``."""
    index = {ord(c): i for i, c in enumerate(USCC_CHARSET)}
    table = pl.lit(pl.Series([index.get(b, -1000) for b in range(256)], dtype=pl.Int32))
    codes = value.cast(pl.Binary).bin.reinterpret(dtype=pl.Array(pl.UInt8, 18))
    total = pl.sum_horizontal(
        table.gather(codes.arr.get(i)) * w for i, w in enumerate(USCC_WEIGHTS)
    )
    check = (31 - total % 31) % 31
    return check == table.gather(codes.arr.get(17))


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


def moment(f: Field) -> pl.Expr:
    """A date or date-time cell as a naive China-time datetime (null when not parseable)."""
    col = pl.col(f.key)
    if f.type == "date":
        return col.str.strptime(pl.Datetime("us"), "%Y-%m-%d", strict=False)
    text = col.str.replace("T", " ").str.slice(0, 19)
    text = pl.when(text.str.len_chars() == 16).then(text + ":00").otherwise(text)
    return text.str.strptime(pl.Datetime("us"), "%Y-%m-%d %H:%M:%S", strict=False)


def rule_pass_expr(schema: Schema, rule, catalog: Catalog) -> pl.Expr:
    """True where the rule surely holds on surely-clean cells."""
    p = rule.params
    if rule.type in ("max-interval", "date-order"):
        start, end = (moment(schema.field_by_key[p[k]]) for k in ("start", "end"))
        ok = start <= end
        if rule.type == "max-interval":
            limit = parse_duration(p["max"])
            if limit is not None:
                ok = ok & ((end - start) <= pl.lit(limit))
        return (start.is_null() | end.is_null() | ok).fill_null(False)
    if rule.type == "required-any":
        return pl.any_horizontal([_filled(k) for k in p["fields"]]).fill_null(False)
    if rule.type == "segment-equals":
        return _segment_equals_expr(schema, rule, catalog)
    when = schema.field_by_key[p["when"]["field"]]
    trigger = normalised(when, catalog).eq_missing(pl.lit(p["when"]["equals"]))
    return (~trigger | _filled(p["field"])).fill_null(False)


def _filled(key: str) -> pl.Expr:
    return pl.col(key).is_not_null() & (pl.col(key) != "")


def _segment_equals_expr(schema: Schema, rule, catalog: Catalog) -> pl.Expr:
    """The code's segment by a regex with one group per segment: alternations longest
    code first under leftmost-first matching try cuts in ``CodeRule.split``'s order, so
    the groups are its parts."""
    p = rule.params
    code_rule = schema.field_by_key[p["field"]].code_rule
    assert code_rule is not None  # infostd check refuses the rule otherwise
    groups = "".join(f"({s.regex(catalog.codelists)})" for s in code_rule.segments)
    part = pl.col(p["field"]).str.extract(f"^{groups}$", p["segment"])
    other = normalised(schema.field_by_key[p["equals"]], catalog)
    return (part.is_null() | other.is_null() | (part == other)).fill_null(False)


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
    table: Table, schema: Schema, typed: set[tuple[int, str]]
) -> Iterator[pl.DataFrame]:
    """Text columns from calamine rows; Excel-typed cells the text form cannot stand for
    are recorded in ``typed`` (their rows go to the reference engine). Rows are turned
    into columns in C (``zip``); only columns holding typed cells are converted in Python."""
    rows = table._rows or []
    keyed = [(i, schema.field_by_key[k]) for i, k in enumerate(table.columns) if k is not None]
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


def _typed_cell(f: Field, v: Any) -> str | None:
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
def fast_engine(catalog: Catalog, table: Table, refs: set[str], lang: str, progress=None):
    from .api import TableResult, context

    ctx = context(catalog, table, lang)
    schema = ctx.schema
    present = [f.key for f in schema.fields if f.key in set(table.columns)]
    fk_fields = sorted({fk.field for fk in schema.foreign_keys})
    wanted = set(refs) | {fk.ref for fk in schema.foreign_keys if fk.record == schema.key}
    cited = {k for ref in wanted for k in ref.split("?")}  # "ref?field": conditional targets
    key_fields = sorted({k for g in schema.unique for k in g} | set(fk_fields) | cited)
    plan = _check_plan(catalog, schema, present, key_fields)
    issues: list[Issue] = []
    fk_rows: list[tuple[int, dict]] = []
    own: dict[str, set] = {ref: set() for ref in wanted}
    unique_parts: list[list[pl.DataFrame]] = [[] for _ in schema.unique]
    count = 0
    typed: set[tuple[int, str]] = set()
    by_number = dict(table._rows or []) if table.kind == "xlsx" else {}
    # With a required field, a blank row is never clean: it is found among the slow rows.
    blank_is_slow = any(f.required for f in schema.fields)

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
        slow_values = _slow_rows(ctx, table, present, slow, by_number, typed, issues)
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
        for group, parts in zip(schema.unique, unique_parts, strict=True):
            parts.append(both.select(ROW, *group).drop_nulls())
        for k in fk_fields:
            part = both.select(ROW, k).drop_nulls()
            fk_rows.extend((n, {k: v}) for n, v in part.iter_rows())
        for ref in wanted:
            key, _, held = ref.partition("?")
            if held:
                pairs = both.select(key, held).filter(pl.col(key).is_not_null())
                own[ref].update(pairs.iter_rows())
            else:
                own[ref].update(both.get_column(key).drop_nulls().to_list())
        if progress:
            progress(str(table.path), count, None)

    _run_batches(table, schema, plan, typed, take)
    for group, parts in zip(schema.unique, unique_parts, strict=True):
        issues += _unique_issues(ctx, group, parts)
    return TableResult(count, issues, _merge_fk(fk_rows), own)


def _check_plan(catalog: Catalog, schema: Schema, present: list[str], key_fields: list[str]):
    """LazyFrame → LazyFrame: ROW, SLOW (not surely clean), the cells, one ``__ok_KEY`` per
    cell (surely clean), and ``__key_KEY``: the normalised values uniqueness and foreign
    keys need."""
    fields = [schema.field_by_key[k] for k in present]
    missing_required = any(f.required and f.key not in present for f in schema.fields)
    rules = [rule_pass_expr(schema, r, catalog) for r in schema.rules]
    oks = [f"__ok_{k}" for k in present]
    ok = pl.all_horizontal([pl.col(c) for c in oks] + rules + [pl.lit(not missing_required)])
    absent = [f.key for f in schema.fields if f.key not in present]

    def plan(frame: pl.LazyFrame) -> pl.LazyFrame:
        return (
            frame.with_columns(pl.lit(None, dtype=pl.String).alias(k) for k in absent)
            .with_columns(clean_expr(f, catalog).alias(c) for f, c in zip(fields, oks, strict=True))
            .with_columns((~ok | pl.col(SLOW)).alias(SLOW))
            .select(
                ROW,
                SLOW,
                *present,
                *oks,
                *[
                    normalised(schema.field_by_key[k], catalog).alias(f"__key_{k}")
                    for k in key_fields
                ],
            )  # fmt: skip
        )

    return plan


def _run_batches(table: Table, schema: Schema, plan, typed, take) -> None:
    """``take`` each checked batch of data rows; memory stays bounded by the batch size.
    CSV: polars reads and checks a block in one streaming pipeline."""
    if table.kind == "xlsx":
        for frame in _xlsx_batches(table, schema, typed):
            take(plan(frame.lazy()).collect())
        return
    first = 1  # record number of the block's first record
    for frame in _csv_frames(table):
        flags = plan(frame).collect(engine="streaming")
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
    ctx, table: Table, present: list[str], slow: pl.DataFrame,
    by_number: dict, typed: set[tuple[int, str]], issues: list[Issue],
) -> list[tuple[int, dict]]:  # fmt: skip
    """The reference engine on the rows the column checks did not clear (``slow``: the
    cells as read and which of them were cleared). Cleared cells keep their normalised
    value and are not checked again."""
    if not slow.height:
        return []
    catalog = ctx.catalog
    fields = [ctx.schema.field_by_key[k] for k in present]
    normal = slow.select(normalised(f, catalog).alias(f.key) for f in fields)
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
