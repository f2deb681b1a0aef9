"""Excel data-entry templates: one ``.xlsx`` per record, read from the model only.

Layout (a contract with the validator, DESIGN.md "Excel templates"):

* data sheet named by the record's title: row 1 field titles (required ones end
  with `` *`` and are filled), row 2 hidden field keys, data from row 3;
* ``填写说明``: standard, version, legend and one row per field;
* ``代码表``: code, name and dropdown label of every list the record uses;
  dropdowns point at the label column, never at inline lists;
* hidden ``_meta``: key/value rows (``standard_id``, ``record``, ``version``,
  ``schema_sha256``, ``template``), repeated as custom document properties.

Every rule Excel can check exactly is a data validation; a custom formula
never rejects a value the validator accepts (it may accept values the
validator rejects, e.g. a wrong check digit: the input message says so).
Output is deterministic: fixed document times, and XlsxWriter fixes the zip
entry times, so the same catalog and version give the same bytes.
"""

from __future__ import annotations

import datetime as dt
import difflib
import io
import math
import re
import re._parser as sre_parse
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import xlsxwriter
from xlsxwriter.utility import xl_col_to_name
from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from .config import Config
from .errors import InfostdError
from .formats import CHINA_TZ, USCC_CHARSET, parse_datetime
from .fsutil import atomic_write_bytes
from .labels import SENSITIVITY_LABELS, STATUS_LABELS, TYPE_LABELS, where_words
from .model import (
    Alternative,
    Catalog,
    CodeEntry,
    CodeList,
    Field,
    Schema,
    Segment,
    field_codelist,
)
from .patterns import alternatives_detail
from .patterns import describe as pattern_words
from .rules import error_field
from .version import project_version

GUIDE_SHEET = "填写说明"
CODES_SHEET = "代码表"
META_SHEET = "_meta"
TEMPLATE_MARK = "infostd"
HEADER_ROW, KEY_ROW, FIRST_DATA_ROW = 0, 1, 2  # 0-based: Excel rows 1, 2, 3
DATA_ROWS = 10000  # rows prepared with validations: 3..10002
FIXED_TIME = dt.datetime(2000, 1, 1)  # document times: same input, same bytes
REQUIRED_MARK = " *"
REQUIRED_FILL = "#FCE4D6"
OPTIONAL_FILL = "#DDEBF7"
MAX_TITLE = 32  # Excel: input/error title length
MAX_MESSAGE = 255  # Excel: input/error message and validation formula length
MAX_SHEET_NAME = 31
CODE_BLOCK_WIDTH = 4  # 代码表: code, name, label, blank separator
NUMBER_LIMIT = 999_999_999_999_999  # 15 digits: Excel's precision

DIGITS = "0123456789"
UPPER = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"

FORMAT_RULES = {
    "cn-uscc": "18位统一社会信用代码（GB 32100-2015）：数字或大写字母（不含 I、O、Z、S、V），第3–8位为数字，末位为校验码",
    "cn-resident-id": "18位居民身份证号（GB 11643-1999）：前17位数字，末位为数字或 X，含出生日期与校验码",
    "cn-mobile": "11位手机号码，以 13–19 开头",
    "intl-phone": "国际电话号码：+ 加国家（地区）代码和号码，共 7–15 位数字，不含空格，如 +85291234567",
    "email": "电子邮箱地址，如 name@example.com",
    "url": "网址，以 http:// 或 https:// 开头，如 https://www.example.com",
    "date": "日期，格式 YYYY-MM-DD",
    "date-time": "日期时间，格式 YYYY-MM-DD HH:MM:SS（北京时间）",
}
DATE_FORMATS = {"date": "yyyy-mm-dd", "date-time": "yyyy-mm-dd hh:mm:ss"}


class TemplateError(InfostdError):
    """A template that cannot be made: unknown key, unusable output path."""


# ── the lists a template offers (代码表) ────────────────────────────────────
@dataclass
class Choices:
    """One block on the 代码表 sheet: what one dropdown offers."""

    key: str  # code-list key, or the field key for an inline enum / boolean
    title: str
    codes: list[Any]
    names: list[str]
    labels: list[Any]
    retired: list[tuple[str, str]] = field(default_factory=list)  # (code, note): shown, not offered
    column: int = 0  # first column of the block on 代码表

    def _range(self, offset: int) -> str:
        col = xl_col_to_name(self.column + offset)
        first, last = FIRST_DATA_ROW + 1, FIRST_DATA_ROW + len(self.codes)
        return f"'{CODES_SHEET}'!${col}${first}:${col}${last}"

    @property
    def code_range(self) -> str:
        return self._range(0)

    @property
    def label_range(self) -> str:
        return self._range(2)


def segment_key(segment: Segment) -> str:
    """The 代码表 block a code-rule segment is checked against: a list, or one level of it."""
    return f"{segment.value}#{segment.level}" if segment.level else str(segment.value)


def codelist_choices(codes: CodeList, level: int | None = None) -> Choices:
    """Active entries are offered; retired ones (deprecated, or with a withdrawal date, past
    or to come) are listed below, not offered: a template is for new data, and a code
    withdrawn next month must not enter a sheet filled today (the validator warns on old
    files before the date and reports them after it)."""
    allowed = set(codes.codes_at(level))
    active = [e for e in codes.entries if not e.retired and e.code in allowed]
    return Choices(
        key=segment_key(Segment("codelist", codes.key, level=level)),
        title=codes.title + (f"（第{level}级）" if level else ""),
        codes=[e.code for e in active],
        names=[e.title for e in active],
        labels=[e.label for e in active],
        retired=[
            (e.code, _retired_note(e)) for e in codes.entries if e.retired and e.code in allowed
        ],
    )


def _retired_note(entry: CodeEntry) -> str:
    if entry.withdrawn is not None:
        return f"{entry.title}（{entry.withdrawn} 撤销，此后不得使用）"
    return f"{entry.title}（已停用，勿用于新数据）"


def field_choices(f: Field) -> Choices | None:
    """Inline value lists (enum, const, boolean) also go on 代码表: no inline dropdowns."""
    values = f.enum if f.enum is not None else [f.const] if f.const is not None else None
    if values is None and f.type == "boolean":
        values = [True, False]
    if values is None:
        return None
    return Choices(
        key=f.key,
        title=f"{f.title}取值",
        codes=list(values),
        names=["" if not isinstance(v, bool) else "是" if v else "否" for v in values],
        labels=list(values),
    )


def template_choices(catalog: Catalog, schema: Schema) -> dict[str, Choices]:
    """Every list the record uses, in field order, laid out side by side."""
    lists = catalog.codelists
    found: dict[str, Choices] = {}
    for f in schema.template_fields:
        if f.codelist and f.codelist in lists:  # x-level: only that level is offered
            found.setdefault(
                field_list_key(f), codelist_choices(lists[f.codelist], f.codelist_level)
            )
        elif (inline := field_choices(f)) is not None:
            found.setdefault(f"field:{f.key}", inline)
        for segment in f.code_rule.segments if f.code_rule else []:
            if segment.kind == "codelist":
                found.setdefault(
                    segment_key(segment), codelist_choices(lists[str(segment.value)], segment.level)
                )
    for index, choices in enumerate(found.values()):
        choices.column = index * CODE_BLOCK_WIDTH
    return found


def field_list_key(f: Field) -> str:
    return segment_key(Segment("codelist", str(f.codelist), level=f.codelist_level))


def choices_of(f: Field, found: dict[str, Choices]) -> Choices | None:
    return (found.get(field_list_key(f)) if f.codelist else None) or found.get(f"field:{f.key}")


# ── formulas Excel evaluates exactly ─────────────────────────────────────────
def chars_in(ref: str, start: int | str, count: int, charset: str) -> str:
    """True when the ``count`` characters of ``ref`` from ``start`` (a position or an
    expression) are all in ``charset``. FIND is case-sensitive; callers also check the
    length first: MID past the end gives "", which FIND finds in Excel but not in LibreOffice."""
    if isinstance(start, int):
        positions = f"ROW(${start}:${start + count - 1})"
    else:
        positions = f"{start}-1+ROW($1:${count})"
    return f'SUMPRODUCT(--ISNUMBER(FIND(MID({ref},{positions},1),"{charset}")))={count}'


def in_list(choices: Choices, text: str) -> str:
    """Exact, case-sensitive membership (COUNTIF/MATCH would treat * and ? as wildcards)."""
    return f"SUMPRODUCT(--EXACT({choices.code_range},{text}))>0"


def code_rule_parts(f: Field, ref: str, catalog: Catalog, found: dict[str, Choices]) -> list[str]:
    """Conditions for an ``x-code-rule``: the length, then each segment at its position.
    Segments after one variable-length code-list segment are located from the right end."""
    assert f.code_rule is not None
    segments = f.code_rule.segments

    def sizes(segment: Segment) -> set[int]:
        if segment.kind == "text":
            return {len(str(segment.value))}
        if segment.kind in ("digits", "letters"):
            return {int(segment.value)}
        return {len(c) for c in catalog.codelists[str(segment.value)].codes_at(segment.level)}

    def check(segment: Segment, start: int | str, size: int | str) -> str:
        if segment.kind == "text":
            return f'EXACT(MID({ref},{start},{size}),"{segment.value}")'
        if segment.kind == "codelist":
            return in_list(found[segment_key(segment)], f"MID({ref},{start},{size})")
        return chars_in(ref, start, int(size), DIGITS if segment.kind == "digits" else UPPER)

    lengths = [sizes(s) for s in segments]
    shortest, longest = sum(min(s) for s in lengths), sum(max(s) for s in lengths)
    parts = (
        [f"LEN({ref})={shortest}"]
        if shortest == longest
        else [
            f"LEN({ref})>={shortest}",
            f"LEN({ref})<={longest}",
        ]
    )
    variable = [i for i, s in enumerate(lengths) if len(s) > 1]
    head = variable[0] if variable else len(segments)
    position = 1
    for segment, size in zip(segments[:head], lengths[:head], strict=True):
        parts.append(check(segment, position, min(size)))
        position += min(size)
    if len(variable) == 1:  # one variable segment: what follows it is fixed, from the right
        tail = sum(min(s) for s in lengths[head + 1 :])
        parts.append(check(segments[head], position, f"LEN({ref})-{position - 1 + tail}"))
        for segment, size in zip(segments[head + 1 :], lengths[head + 1 :], strict=True):
            parts.append(check(segment, f"LEN({ref})-{tail - 1}", min(size)))
            tail -= min(size)
    return parts


FORMAT_PARTS: dict[str, Callable[[str], list[str]]] = {
    "cn-uscc": lambda r: [
        f"LEN({r})=18",
        chars_in(r, 1, 18, USCC_CHARSET),
        chars_in(r, 3, 6, DIGITS),
    ],
    "cn-resident-id": lambda r: [
        f"LEN({r})=18",
        f'LEFT({r},1)<>"0"',
        chars_in(r, 1, 17, DIGITS),
        f'ISNUMBER(FIND(RIGHT({r},1),"{DIGITS}X"))',
    ],
    "cn-mobile": lambda r: [
        f"LEN({r})=11",
        f'LEFT({r},1)="1"',
        f'ISNUMBER(FIND(MID({r},2,1),"3456789"))',
        chars_in(r, 1, 11, DIGITS),
    ],
    "intl-phone": lambda r: [
        f'LEFT({r},1)="+"',
        f"LEN({r})>=8",
        f"LEN({r})<=16",
        f'MID({r},2,1)<>"0"',
        # every character after "+" is a digit: count the digits (array constant, no MID
        # past the end, which Excel and LibreOffice treat differently)
        f"SUMPRODUCT(LEN({r})-LEN(SUBSTITUTE({r},"
        + '{"0","1","2","3","4","5","6","7","8","9"}'
        + f',"")))=LEN({r})-1',
    ],
    "url": lambda r: [
        f'OR(EXACT(LEFT({r},7),"http://"),EXACT(LEFT({r},8),"https://"))',
        f'ISERROR(FIND(" ",{r}))',
        f'ISNUMBER(FIND(".",{r}))',
    ],
    "email": lambda r: [
        f'ISERROR(FIND(" ",{r}))',
        f'LEN({r})-LEN(SUBSTITUTE({r},"@",""))=1',
        f'LEFT({r},1)<>"@"',
        f'ISNUMBER(FIND(".",{r},FIND("@",{r})+2))',
        f'RIGHT({r},1)<>"."',
    ],
}


def pattern_shape(pattern: str) -> tuple[int, int, str, str] | None:
    """(shortest, longest, every character allowed, first characters allowed) of an
    anchored pattern built from literals, character ranges, groups, alternatives and
    bounded repeats (``^0[0-9]{2,3}-[0-9]{7,8}(-[0-9]{1,6})?$``); None for anything
    else. A length and a character set are a necessary condition Excel can evaluate."""
    try:
        tree = sre_parse.parse(pattern)
    except re.error:
        return None
    items = list(tree)
    begin, end = (sre_parse.AT, sre_parse.AT_BEGINNING), (sre_parse.AT, sre_parse.AT_END)
    if len(items) < 3 or items[0] != begin or items[-1] != end:
        return None
    body = items[1:-1]
    chars = _chars(body)
    firsts = _firsts(body)
    low, high = sre_parse.SubPattern(tree.state, body).getwidth()
    if chars is None or firsts is None or high > 100 or len(chars) > 62 or low == 0:
        return None
    return low, high, "".join(sorted(chars)), "".join(sorted(firsts))


def _chars(items) -> set[str] | None:
    """Every character the items can produce, or None when not simply enumerable."""
    out: set[str] = set()
    for op, arg in items:
        if op is sre_parse.LITERAL:
            out.add(chr(arg))
        elif op is sre_parse.IN:
            for kind, value in arg:
                if kind is sre_parse.LITERAL:
                    out.add(chr(value))
                elif kind is sre_parse.RANGE and value[1] - value[0] < 128:
                    out.update(chr(c) for c in range(value[0], value[1] + 1))
                else:
                    return None
        elif op in (sre_parse.MAX_REPEAT, sre_parse.MIN_REPEAT):
            if arg[1] is sre_parse.MAXREPEAT or (inner := _chars(arg[2])) is None:
                return None
            out |= inner
        elif op is sre_parse.SUBPATTERN:
            if (inner := _chars(arg[-1])) is None:
                return None
            out |= inner
        elif op is sre_parse.BRANCH:
            for branch in arg[1]:
                if (inner := _chars(branch)) is None:
                    return None
                out |= inner
        else:
            return None
    return out


def _firsts(items) -> set[str] | None:
    """The characters a match can start with (None when a leading part may be empty)."""
    if not items:
        return None
    op, arg = items[0]
    if op in (sre_parse.LITERAL, sre_parse.IN):
        return _chars([items[0]])
    if op is sre_parse.SUBPATTERN:
        return _firsts(list(arg[-1]))
    if op is sre_parse.BRANCH:
        sets = [_firsts(list(b)) for b in arg[1]]
        return None if any(x is None for x in sets) else set().union(*sets)  # type: ignore[arg-type]
    if op in (sre_parse.MAX_REPEAT, sre_parse.MIN_REPEAT) and arg[0] >= 1:
        return _firsts(list(arg[2]))
    return None


def pattern_parts(pattern: str, ref: str) -> list[str]:
    """Necessary conditions for a regex Excel cannot run: its length range, the first
    character and the character set (``pattern_shape``); other patterns are described
    and left to the validator."""
    shape = pattern_shape(pattern)
    if shape is None:
        return []
    low, high, charset, firsts = shape
    quoted, first = charset.replace('"', '""'), firsts.replace('"', '""')
    # mask positions past the end: FIND("") is 1 in Excel but an error in LibreOffice
    rows = f"ROW($1:${high})"
    found = f'ISNUMBER(FIND(MID({ref},{rows},1),"{quoted}"))'
    return [
        f"LEN({ref})>={low}",
        f"LEN({ref})<={high}",
        f'ISNUMBER(FIND(LEFT({ref},1),"{first}"))',
        f"SUMPRODUCT(({rows}<=LEN({ref}))*{found})=LEN({ref})",
    ]


def combine(parts: list[str]) -> str | None:
    """``=AND(...)`` within Excel's 255-character limit: trailing (finer) conditions are
    dropped when needed, so the formula stays a necessary condition."""
    while parts:
        formula = "=" + (parts[0] if len(parts) == 1 else f"AND({','.join(parts)})")
        if len(formula) <= MAX_MESSAGE:
            return formula
        parts = parts[:-1]
    return None


def alternative_parts(alt: Alternative, ref: str) -> list[str]:
    """Necessary conditions for one ``anyOf`` item (empty: Excel cannot narrow it)."""
    parts = FORMAT_PARTS[alt.format](ref) if alt.format in FORMAT_PARTS else []
    if alt.pattern is not None:
        parts += pattern_parts(alt.pattern, ref)
    if parts and alt.min_length is not None:
        parts.append(f"LEN({ref})>={alt.min_length}")
    if parts and alt.max_length is not None:
        parts.append(f"LEN({ref})<={alt.max_length}")
    return parts


def any_of_part(alts: list[Alternative], ref: str) -> str | None:
    """``OR(AND(…), AND(…))`` of the items' conditions, or None when some item has none
    (then any text may be that item: only the prompt tells). To fit Excel's 255
    characters, the longest item loses its last (finest) condition first: a weaker
    item keeps the OR a necessary condition."""
    options = [alternative_parts(a, ref) for a in alts]
    if not all(options):
        return None
    while True:
        formula = (
            "OR(" + ",".join(o[0] if len(o) == 1 else f"AND({','.join(o)})" for o in options) + ")"
        )
        if len(formula) + 1 <= MAX_MESSAGE:
            return formula
        longest = max(options, key=lambda o: len(",".join(o)))
        if len(longest) == 1:
            return None
        longest.pop()


# ── what a field allows, in words ────────────────────────────────────────────
def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


def range_text(f: Field) -> str:
    parts = []
    if f.minimum is not None:
        parts.append(f"≥ {_number(f.minimum)}")
    if f.exclusive_minimum is not None:
        parts.append(f"> {_number(f.exclusive_minimum)}")
    if f.maximum is not None:
        parts.append(f"≤ {_number(f.maximum)}")
    if f.exclusive_maximum is not None:
        parts.append(f"< {_number(f.exclusive_maximum)}")
    if f.multiple_of is not None:
        parts.append(f"为 {_number(f.multiple_of)} 的整数倍")
    return "，".join(parts)


def field_rule(f: Field, schema: Schema, catalog: Catalog) -> str:
    """Everything a field must satisfy, in Chinese: the 填写说明 rule column, and
    the basis of input messages and error alerts."""
    parts: list[str] = []
    if f.codelist:
        title = ""
        if f.codelist in catalog.codelists:
            title = field_codelist(f, catalog.codelists).title
        parts.append(f"从下拉列表选择（代码表：{title or f.codelist}）")
    elif f.enum is not None or f.const is not None:
        values = f.enum if f.enum is not None else [f.const]
        parts.append("取值：" + "、".join(str(v) for v in values))
    elif f.type == "boolean":
        parts.append("从下拉列表选择 TRUE（是）或 FALSE（否）")
    if f.code_rule is not None:
        parts.append("编码规则：" + f.code_rule.describe(catalog.codelists))
    if f.format in FORMAT_RULES:
        parts.append(FORMAT_RULES[f.format])
    elif f.type in FORMAT_RULES:
        parts.append(FORMAT_RULES[f.type])
    elif f.type == "integer":
        parts.append("整数")
    elif f.type == "number":
        parts.append("数值")
    if f.min_length is not None and f.max_length is not None:
        parts.append(f"长度 {f.min_length}–{f.max_length} 个字符")
    elif f.min_length is not None:
        parts.append(f"至少 {f.min_length} 个字符")
    elif f.max_length is not None:
        parts.append(f"最多 {f.max_length} 个字符")
    if text := range_text(f):
        parts.append(text)
    if f.pattern:
        parts.append(f"格式：{pattern_words(f.pattern)}")
    if f.alternatives:
        parts.append(alternatives_detail(f.alternatives, FORMAT_RULES))
    for group in schema.unique:
        if f.key in group:
            others = [schema.field_by_key[k].title for k in group if k != f.key]
            parts.append(
                "与" + "、".join(others) + "的组合在表中不得重复" if others else "在表中不得重复"
            )
    for fk in schema.foreign_keys:
        if fk.field == f.key and fk.record in catalog.records:
            target = catalog.records[fk.record]
            ref = target.field_by_key[fk.ref].title if fk.ref in target.field_by_key else fk.ref
            parts.append(f"须为「{target.title}」中已有的{ref}{where_words(fk, target)}")
    for rule in schema.rules:
        if error_field(rule) == f.key:
            parts.append(f"{rule.message}（{rule.id}）")
    return "；".join(parts)


def field_example(f: Field, schema: Schema, catalog: Catalog) -> str:
    values = list(f.examples) + [e[f.key] for e in schema.examples if f.key in e]
    if not values:
        return ""
    value = values[0]
    if f.codelist and f.codelist in catalog.codelists:
        return catalog.codelists[f.codelist].label(str(value))
    if value == "":
        return
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if f.type == "date-time" and (moment := parse_datetime(str(value))) is not None:
        return moment.astimezone(CHINA_TZ).strftime("%Y-%m-%d %H:%M:%S")  # as typed in a cell
    return str(value)


def clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def input_message(f: Field, rule: str, example: str) -> str:
    """Description, rule and example within 255 characters; the description gives way first."""
    tail = []
    if rule:
        tail.append(f"规则：{rule}")
    if example:
        tail.append(f"示例：{example}")
    if f.sensitive:
        tail.append(f"{SENSITIVITY_LABELS.get(f.sensitive, f.sensitive)}，注意保护")
    if f.deprecated:
        tail.append("本字段已停用，勿填写")
    tail_text = "\n".join(tail)
    room = MAX_MESSAGE - len(tail_text) - 1
    head = clip(f.description, room) if f.description and room > 8 else ""
    return clip("\n".join(p for p in (head, tail_text) if p), MAX_MESSAGE)


# ── data validations ─────────────────────────────────────────────────────────
def _bounds(f: Field) -> tuple[float | None, bool, float | None, bool]:
    """Lower and upper bound with inclusiveness; integers make exclusive bounds inclusive."""
    lo, lo_in, hi, hi_in = f.minimum, True, f.maximum, True
    if f.exclusive_minimum is not None and (lo is None or f.exclusive_minimum >= lo):
        lo, lo_in = f.exclusive_minimum, False
    if f.exclusive_maximum is not None and (hi is None or f.exclusive_maximum <= hi):
        hi, hi_in = f.exclusive_maximum, False
    if f.type == "integer":
        if lo is not None and not lo_in:
            lo, lo_in = math.floor(lo) + 1, True
        if hi is not None and not hi_in:
            hi, hi_in = math.ceil(hi) - 1, True
        lo = math.ceil(lo) if lo is not None else None
        hi = math.floor(hi) if hi is not None else None
    return lo, lo_in, hi, hi_in


def number_validation(f: Field, ref: str) -> dict[str, Any]:
    kind = "integer" if f.type == "integer" else "decimal"
    lo, lo_in, hi, hi_in = _bounds(f)
    if f.multiple_of is None and lo_in and hi_in:
        low = lo if lo is not None else -NUMBER_LIMIT
        high = hi if hi is not None else NUMBER_LIMIT
        return {"validate": kind, "criteria": "between", "minimum": low, "maximum": high}
    if f.multiple_of is None and (lo is None or hi is None):
        value, inclusive = (lo, lo_in) if hi is None else (hi, hi_in)
        sign = (">" if hi is None else "<") + ("=" if inclusive else "")
        return {"validate": kind, "criteria": sign, "value": value}
    parts = [f"ISNUMBER({ref})"]
    if f.type == "integer":
        parts.append(f"{ref}=INT({ref})")
    if lo is not None:
        parts.append(f"{ref}>{'=' if lo_in else ''}{_number(lo)}")
    if hi is not None:
        parts.append(f"{ref}<{'=' if hi_in else ''}{_number(hi)}")
    if f.multiple_of is not None:
        step = _number(f.multiple_of)
        parts.append(f"ABS({ref}/{step}-ROUND({ref}/{step},0))<0.000000001")
    return {"validate": "custom", "value": combine(parts)}


def length_parts(f: Field, ref: str) -> list[str]:
    parts = []
    if f.min_length is not None:
        parts.append(f"LEN({ref})>={f.min_length}")
    if f.max_length is not None:
        parts.append(f"LEN({ref})<={f.max_length}")
    return parts


def segment_equals_parts(
    f: Field, ref: str, schema: Schema, catalog: Catalog, anchors: dict[str, str]
) -> list[str]:
    """``segment-equals`` rules on this code column whose part has a fixed place: the part
    equals the start of the other cell (its code, or its dropdown label "04 电子设备"), or
    that cell is empty. Checked when the code is typed (Excel checks the edited cell)."""
    parts = []
    for rule in schema.rules:
        p = rule.params
        if rule.type != "segment-equals" or p["field"] != f.key or f.code_rule is None:
            continue
        other, span = anchors.get(p["equals"]), f.code_rule.span(p["segment"], catalog.codelists)
        if other is not None and span is not None:
            start, size = span
            parts.append(
                f"OR(LEN({other})=0,EXACT(MID({ref},{start},{size}),LEFT({other},{size})))"
            )
    return parts


def field_validation(
    f: Field,
    ref: str,
    catalog: Catalog,
    found: dict[str, Choices],
    schema: Schema | None = None,
    anchors: dict[str, str] | None = None,
) -> dict[str, Any] | None:
    """The XlsxWriter data validation for one column (``ref`` is its first data cell;
    ``anchors``: every template column's first data cell, for rules across columns)."""
    if (choices := choices_of(f, found)) is not None:
        return {"validate": "list", "source": "=" + choices.label_range}
    if f.type in ("integer", "number"):
        return number_validation(f, ref)
    if f.type == "date":
        return {
            "validate": "date",
            "criteria": "between",
            "minimum": dt.date(1900, 1, 1),
            "maximum": dt.date(9999, 12, 31),
        }
    if f.type == "date-time":  # a date-time cell is a number: days since 1900 plus a fraction
        return {"validate": "decimal", "criteria": "between", "minimum": 1, "maximum": 2958466}
    parts: list[str] = []
    if f.code_rule is not None:
        parts += code_rule_parts(f, ref, catalog, found)
        if schema is not None:
            parts += segment_equals_parts(f, ref, schema, catalog, anchors or {})
    if f.format in FORMAT_PARTS:
        parts += FORMAT_PARTS[f.format](ref)
    if f.pattern:
        parts += pattern_parts(f.pattern, ref)
    if f.alternatives and (either := any_of_part(f.alternatives, ref)) is not None:
        parts.append(either)
    if not parts:
        lengths = (f.min_length, f.max_length)
        if lengths == (None, None):
            return None
        if None in lengths:
            sign, value = (">=", f.min_length) if f.max_length is None else ("<=", f.max_length)
            return {"validate": "length", "criteria": sign, "value": value}
        return {
            "validate": "length",
            "criteria": "between",
            "minimum": lengths[0],
            "maximum": lengths[1],
        }
    formula = combine(parts + length_parts(f, ref))
    return {"validate": "custom", "value": formula} if formula else None


# ── the workbook ─────────────────────────────────────────────────────────────
def sheet_name(title: str, taken: tuple[str, ...] = (GUIDE_SHEET, CODES_SHEET, META_SHEET)) -> str:
    """Excel's rules: at most 31 characters, none of []:*?/\\, no leading or trailing quote."""
    name = re.sub(r"[\[\]:*?/\\]", "_", title).strip().strip("'") or "数据"
    name = name[:MAX_SHEET_NAME]
    if name.casefold() in {t.casefold() for t in taken}:
        name = (name[: MAX_SHEET_NAME - 2] + "数据")[:MAX_SHEET_NAME]
    return name


def display_width(text: str) -> int:
    """Columns a text needs: wide (CJK) characters count two."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def column_width(f: Field, header: str, example: str) -> float:
    wanted = max(display_width(header), display_width(example), 8)
    if f.type == "date-time":
        wanted = max(wanted, 19)
    if f.max_length:
        wanted = max(wanted, min(f.max_length, 40))
    return min(wanted + 2, 42)


def is_text_column(f: Field) -> bool:
    """Codes, identifiers and phones (``Field.is_code``) and every other text column
    keep what is typed: ``010203`` stays ``010203``, ``13800138000`` never becomes 1.38E+10."""
    return f.is_code or f.type == "string"


@dataclass(frozen=True)
class Meta:
    standard_id: str
    record: str
    version: str
    schema_sha256: str
    template: str = TEMPLATE_MARK

    def rows(self) -> list[tuple[str, str]]:
        return [
            ("standard_id", self.standard_id),
            ("record", self.record),
            ("version", self.version),
            ("schema_sha256", self.schema_sha256),
            ("template", self.template),
        ]


def record_of(catalog: Catalog, key: str) -> Schema:
    schema = catalog.schemas.get(key)
    if schema is None:
        guess = difflib.get_close_matches(key, list(catalog.records), 1)
        hint = f"（是否应为 {guess[0]}？）" if guess else ""
        keys = "、".join(catalog.records) or "（无）"
        raise TemplateError(f"没有键为 {key} 的记录{hint}；可用的记录：{keys}")
    if schema.kind != "record":
        raise TemplateError(f"{key} 是代码表，不是记录：只有记录有录入模板")
    return schema


def template_bytes(catalog: Catalog, key: str, version: str) -> bytes:
    """The template of record ``key`` as xlsx bytes (deterministic)."""
    schema = record_of(catalog, key)
    standard = catalog.standard_of(schema)
    meta = Meta(standard.id, key, version, catalog.checksum(key))
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_numbers": False})
    book.set_properties(
        {
            "title": f"{schema.title}录入模板",
            "subject": f"{standard.id} {standard.title}",
            "author": TEMPLATE_MARK,
            "company": standard.owner or "",
            "keywords": f"{standard.id}, {key}, {version}",
            "comments": "由 infostd 根据标准生成，请勿修改表头与隐藏行。",
            "created": FIXED_TIME,
        }
    )
    for name, value in meta.rows():
        book.set_custom_property(name, value)
    styles = _Styles(book)
    found = template_choices(catalog, schema)
    data = book.add_worksheet(sheet_name(schema.title))
    guide = book.add_worksheet(GUIDE_SHEET)
    codes = book.add_worksheet(CODES_SHEET)
    hidden = book.add_worksheet(META_SHEET)
    _write_data_sheet(data, schema, catalog, found, styles)
    _write_guide(guide, schema, catalog, meta, found, styles)
    _write_codes(codes, found, styles)
    for row, (name, value) in enumerate(meta.rows()):
        hidden.write_string(row, 0, name)
        hidden.write_string(row, 1, value)
    hidden.hide()
    data.activate()
    book.close()
    return buffer.getvalue()


def write_template(catalog: Catalog, key: str, path: Path, version: str) -> Path:
    """Write the template of record ``key`` to ``path`` atomically."""
    path = Path(path)
    if path.is_dir():
        raise TemplateError(f"{path}: 是目录，请给出 .xlsx 文件名")
    if path.suffix.lower() != ".xlsx":
        raise TemplateError(f"{path}: 模板文件名须以 .xlsx 结尾")
    data = template_bytes(catalog, key, version)
    atomic_write_bytes(path, data)
    return path


def generate(catalog: Catalog, config: Config, out_dir: Path) -> list[Path]:
    """Every record's template into ``out_dir/<key>.xlsx`` (the build step)."""
    version = project_version(config.root)
    return [
        write_template(catalog, key, Path(out_dir) / f"{key}.xlsx", version)
        for key in catalog.records
    ]


class _Styles:
    def __init__(self, book: Workbook):
        base = {"font_name": "等线", "font_size": 11, "valign": "vcenter"}
        head = {**base, "bold": True, "border": 1, "text_wrap": True, "align": "center"}
        self.required = book.add_format({**head, "bg_color": REQUIRED_FILL})
        self.optional = book.add_format({**head, "bg_color": OPTIONAL_FILL})
        self.key = book.add_format({**base, "font_color": "#808080"})
        self.text = book.add_format({**base, "locked": False, "num_format": "@"})
        self.general = book.add_format({**base, "locked": False})
        self.integer = book.add_format({**base, "locked": False, "num_format": "0"})
        self.dates = {
            kind: book.add_format({**base, "locked": False, "num_format": fmt})
            for kind, fmt in DATE_FORMATS.items()
        }
        self.title = book.add_format({**base, "bold": True, "font_size": 14})
        self.label = book.add_format({**base, "bold": True, "bg_color": "#F2F2F2", "border": 1})
        self.cell = book.add_format({**base, "border": 1, "text_wrap": True, "num_format": "@"})
        self.cell_req = book.add_format({**base, "border": 1, "bg_color": REQUIRED_FILL})
        self.cell_opt = book.add_format({**base, "border": 1, "bg_color": OPTIONAL_FILL})

    def column(self, f: Field):
        if f.type in self.dates:
            return self.dates[f.type]
        if is_text_column(f):
            return self.text
        return self.integer if f.type == "integer" else self.general


def _protect(sheet: Worksheet) -> None:
    """No password: the structure is guarded against accidents, not people."""
    sheet.protect(
        "",
        {
            "format_columns": True,
            "format_rows": True,
            "insert_rows": True,
            "delete_rows": True,
            "sort": True,
            "autofilter": True,
        },
    )


def _write_data_sheet(
    sheet: Worksheet, schema: Schema, catalog: Catalog, found: dict[str, Choices], styles: _Styles
) -> None:
    last = FIRST_DATA_ROW + DATA_ROWS - 1
    anchors = {
        f.key: f"{xl_col_to_name(col)}{FIRST_DATA_ROW + 1}"
        for col, f in enumerate(schema.template_fields)
    }
    for col, f in enumerate(schema.template_fields):
        header = f.title + (REQUIRED_MARK if f.required else "")
        rule = field_rule(f, schema, catalog)
        example = field_example(f, schema, catalog)
        sheet.set_column(col, col, column_width(f, header, example), styles.column(f))
        sheet.write_string(
            HEADER_ROW, col, header, styles.required if f.required else styles.optional
        )
        sheet.write_string(KEY_ROW, col, f.key, styles.key)
        anchor = f"{xl_col_to_name(col)}{FIRST_DATA_ROW + 1}"
        validation = field_validation(f, anchor, catalog, found, schema, anchors) or {
            "validate": "any"
        }
        title = f.title + ("（必填）" if f.required else "")
        validation.update(
            {
                "ignore_blank": True,
                "input_title": clip(title, MAX_TITLE),
                "input_message": input_message(f, rule, example),
            }
        )
        if validation["validate"] != "any":
            validation.update(
                {
                    "error_type": "stop",
                    "error_title": clip(f"{f.title}填写有误", MAX_TITLE),
                    "error_message": clip(f"{f.title}：{rule}", MAX_MESSAGE),
                }
            )
        sheet.data_validation(FIRST_DATA_ROW, col, last, col, validation)
    sheet.set_row(HEADER_ROW, 30)
    sheet.set_row(KEY_ROW, None, None, {"hidden": True})
    sheet.freeze_panes(FIRST_DATA_ROW, 0)
    _protect(sheet)


GUIDE_WIDTHS = [14, 18, 18, 6, 10, 60, 20, 24, 14, 40]
LINE_HEIGHT = 16  # points per wrapped line (11 pt CJK text)


def _fit_height(sheet: Worksheet, row: int, texts_and_widths: list[tuple[str, float]]) -> None:
    """Give a row room for its wrapped text: LibreOffice and WPS keep the default height of
    a row written without one, so long rules and the checksum would overlap the next row."""
    lines = max(
        math.ceil(display_width(text) / max(width - 1, 1)) for text, width in texts_and_widths
    )
    if lines > 1:
        sheet.set_row(row, LINE_HEIGHT * lines)


def _write_guide(
    sheet: Worksheet,
    schema: Schema,
    catalog: Catalog,
    meta: Meta,
    found: dict[str, Choices],
    styles: _Styles,
) -> None:
    standard = catalog.standard_of(schema)
    departments = catalog.codelists.get("department-code")
    owner = standard.owner or ""
    if departments is not None and owner:
        owner = departments.label(owner)
    sheet.write_string(0, 0, f"{schema.title}录入模板 · 填写说明", styles.title)
    facts = [
        ("标准编号", standard.id),
        ("标准名称", standard.title),
        ("记录", f"{schema.title}（{schema.key}）"),
        ("版本", meta.version),
        ("归口部门", owner),
        ("状态", STATUS_LABELS.get(standard.status, standard.status)),
        ("schema 校验和", meta.schema_sha256),
    ]
    row = 2
    for name, value in facts:
        sheet.write_string(row, 0, name, styles.label)
        sheet.merge_range(row, 1, row, 4, value, styles.cell)
        _fit_height(sheet, row, [(value, sum(GUIDE_WIDTHS[1:5]))])
        row += 1
    row += 1
    sheet.write_string(row, 0, "图例", styles.label)
    sheet.write_string(row, 1, "必填 *", styles.cell_req)
    sheet.merge_range(row, 2, row, 4, "表头以“ *”结尾、底色如左的列必须填写", styles.cell)
    row += 1
    sheet.write_string(row, 1, "选填", styles.cell_opt)
    sheet.merge_range(row, 2, row, 4, "可以留空", styles.cell)
    row += 1
    steps = [
        f"在工作表「{sheet_name(schema.title)}」第 3 行起逐行填写，每行一条记录；选中单元格可看到填写提示。",
        "有下拉箭头的列请从列表选择（显示为“代码 名称”，如“11 北京市”）；代码表见「代码表」工作表。",
        "请勿修改、删除或移动表头，也不要删除隐藏的第 2 行（字段键）与隐藏工作表 _meta。",
        "从其他文件粘贴会绕过单元格检查；提交前请运行 infostd validate 检查整表（含必填、唯一、校验码）。",
    ]
    row += 1
    for number, text in enumerate(steps, start=1):
        sheet.write_string(row, 0, f"步骤 {number}", styles.label)
        sheet.merge_range(row, 1, row, 9, text, styles.cell)
        _fit_height(sheet, row, [(text, sum(GUIDE_WIDTHS[1:10]))])
        row += 1
    row += 1
    headers = [
        "序号",
        "字段名称",
        "字段键",
        "必填",
        "类型",
        "规则",
        "代码表",
        "示例",
        "敏感性",
        "说明",
    ]
    for col, text in enumerate(headers):
        sheet.write_string(row, col, text, styles.label)
    for number, f in enumerate(schema.template_fields, start=1):
        row += 1
        choices = choices_of(f, found)
        cells = [
            str(number),
            f.title,
            f.key,
            "是" if f.required else "否",
            TYPE_LABELS.get(f.type, f.type),
            field_rule(f, schema, catalog),
            f"{choices.title}（{choices.key}）" if choices and f.codelist else "",
            field_example(f, schema, catalog),
            SENSITIVITY_LABELS.get(f.sensitive or "", ""),
            f.description + ("（已停用）" if f.deprecated else ""),
        ]
        for col, text in enumerate(cells):
            sheet.write_string(
                row, col, text, styles.cell_req if col == 1 and f.required else styles.cell
            )
        _fit_height(sheet, row, list(zip(cells, GUIDE_WIDTHS, strict=True)))
    for col, width in enumerate(GUIDE_WIDTHS):
        sheet.set_column(col, col, width)
    _protect(sheet)


def _write_codes(sheet: Worksheet, found: dict[str, Choices], styles: _Styles) -> None:
    for choices in found.values():
        col = choices.column
        sheet.write_string(
            0, col, f"{choices.title}（{choices.key.removeprefix('field:')}）", styles.title
        )
        for offset, text in enumerate(["代码", "名称", "下拉选项"]):
            sheet.write_string(1, col + offset, text, styles.label)
        for index, (code, name, label) in enumerate(
            zip(choices.codes, choices.names, choices.labels, strict=True)
        ):
            row = FIRST_DATA_ROW + index
            for offset, value in enumerate((code, name, label)):
                _write_value(sheet, row, col + offset, value, styles.cell)
        row = FIRST_DATA_ROW + len(choices.codes) + 1
        for code, name in choices.retired:
            sheet.write_string(row, col, code, styles.cell)
            sheet.write_string(row, col + 1, name, styles.cell)
            row += 1
        sheet.set_column(col, col, 10)
        sheet.set_column(col + 1, col + 2, 24)
        sheet.set_column(col + 3, col + 3, 3)
    _protect(sheet)


def _write_value(sheet: Worksheet, row: int, col: int, value: Any, style) -> None:
    """Codes as text, booleans and numbers as themselves (so a picked value has the right type)."""
    if value == "":
        return
    if isinstance(value, bool):
        sheet.write_boolean(row, col, value)
    elif isinstance(value, int | float):
        sheet.write_number(row, col, value)
    else:
        sheet.write_string(row, col, str(value), style)
