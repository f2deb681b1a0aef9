"""Check-plan nodes → sqlglot expressions: one AST, every dialect renders it.

Two uses of the same expressions:

* ``value_checks`` — the schema keywords on a *normalised* value (what a ``CHECK``
  constraint of the DDL states; necessary conditions are enough there);
* ``clean`` — "the reference validator would accept this cell without a word, and
  its normalised value is the raw value", for validation in place. This must be
  *exact* on the clean side: whatever cannot be decided exactly (an unusual
  ``pattern``, a column of another type, …) is "not clean", and the row is then
  checked by the reference engine. Slower, never different (as ``validate/fast.py``).

Catalog constants become SQL literals through sqlglot (escaped per dialect); no user
value is ever pasted into SQL (see ``inplace.py``: values are bound).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlglot import exp

from ..checkplan import FULL_WIDTH_CLASS as FULL_WIDTH
from ..checkplan import (
    REGEX_FORMATS,
    WHITESPACE,
    AlternativePlan,
    FieldPlan,
    Plan,
    RulePlan,
    decimal_places,
    power_of_ten,
)
from ..formats import (
    RESIDENT_ID_CHECK,
    RESIDENT_ID_WEIGHTS,
    USCC_CHARSET,
    USCC_RE,
    USCC_WEIGHTS,
)
from ..validate.cells import FALSE_WORDS, TRUE_WORDS

INT_TEXT = r"^-?(0|[1-9][0-9]{0,17})$"
DATE_TEXT = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"
# Days 01–28 of months 01–12 of years 0001–9999 exist in every calendar: one regex says
# so for most dates, sparing the arithmetic (casts and CASEs cost ≈ 3× the regex)
SURE_DATE_TEXT = (
    r"^([1-9][0-9]{3}|0[1-9][0-9]{2}|00[1-9][0-9]|000[1-9])-(0[1-9]|1[0-2])"
    r"-(0[1-9]|1[0-9]|2[0-8])$"
)
DATETIME_TEXT = (
    r"^[0-9]{4}-[0-9]{2}-[0-9]{2}[T ]([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9])?(\+08:00)?$"
)

# Column kinds an engine reports (inplace.py maps each engine's types onto these).
TEXT, INT, DECIMAL, FLOAT, BOOL, DATE, TIMESTAMP, TIMESTAMPTZ, OTHER = (
    "text", "int", "decimal", "float", "bool", "date", "timestamp", "timestamptz", "other",
)  # fmt: skip


@dataclass(frozen=True)
class Column:
    """A column as the engine has it: its name and kind (and decimal scale)."""

    name: str
    kind: str
    precision: int | None = None
    scale: int | None = None

    @property
    def ref(self) -> exp.Column:
        return exp.column(self.name, quoted=True)


# ── literals and small builders ──────────────────────────────────────────
def lit(value: Any) -> exp.Expression:
    if isinstance(value, bool):
        return exp.Boolean(this=value)
    if isinstance(value, int | float | Decimal):
        return exp.Literal.number(_number_text(value))
    return exp.Literal.string(str(value))


def _number_text(value: float | int | Decimal) -> str:
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e16:
        return str(int(value))
    return format(Decimal(str(value)), "f")


def regex(value: exp.Expression, pattern: str) -> exp.Expression:
    return exp.RegexpLike(this=value, expression=exp.Literal.string(pattern))


def length(value: exp.Expression) -> exp.Expression:
    return exp.Length(this=value)


def substr(value: exp.Expression, start: int, size: int) -> exp.Expression:
    return exp.Substring(this=value, start=lit(start), length=lit(size))


def position(haystack: str, needle: exp.Expression) -> exp.Expression:
    """1-based position of ``needle`` in a constant string, 0 when absent (never fails)."""
    return exp.StrPosition(this=exp.Literal.string(haystack), substr=needle)


def TRUE() -> exp.Expression:  # noqa: N802 - reads as the SQL constant
    return exp.true()


def FALSE() -> exp.Expression:  # noqa: N802
    return exp.false()


def constant(e: exp.Expression) -> bool | None:
    return e.this if isinstance(e, exp.Boolean) else None


def all_of(parts: list[exp.Expression]) -> exp.Expression:
    parts = [p for p in parts if constant(p) is not True]
    if any(constant(p) is False for p in parts):
        return FALSE()
    return exp.and_(*parts) if parts else TRUE()


def when(
    condition: exp.Expression, then: exp.Expression, otherwise: exp.Expression | None = None
) -> exp.Expression:
    """CASE guards evaluation order: a cast inside runs only where the guard holds."""
    default = FALSE() if otherwise is None else otherwise
    return exp.Case(ifs=[exp.If(this=condition, true=then)], default=default)


def in_list(value: exp.Expression, values: list[Any]) -> exp.Expression:
    return exp.In(this=value, expressions=[lit(v) for v in values]) if values else FALSE()


# ── regex portability ────────────────────────────────────────────────────
# A ``pattern`` runs in Python (the reference), RE2 (DuckDB), PostgreSQL AREs and Java
# (Spark). They agree on literal characters, bracket expressions with explicit ranges,
# quantifiers, (?: ) groups, alternation and anchors. ``\d``/``\w``/``\s`` (Unicode in
# Python, ASCII elsewhere), ``.`` (matches a newline in PostgreSQL), look-arounds and
# back-references differ: such a pattern is not rendered (validation sends the value to
# the reference, the DDL lists it as not expressible).
_UNPORTABLE = re.compile(r"\\[A-Za-z0-9]|(?<!\\)\.|\(\?(?!:)|\[\[:|\\[pPx]")


def portable(pattern: str) -> bool:
    stripped = re.sub(r"\\[^A-Za-z0-9]", "", pattern)  # escaped punctuation is literal
    return _UNPORTABLE.search(pattern) is None and "." not in stripped


# ── check digits and dates as arithmetic (no engine-specific functions) ──
def _uscc_check_char(total: exp.Expression) -> exp.Expression:
    """The check character for a weighted sum (GB 32100: (31 − sum mod 31) mod 31)."""
    check = exp.Mod(
        this=exp.paren(
            exp.Sub(this=lit(31), expression=exp.Mod(this=exp.paren(total), expression=lit(31)))
        ),
        expression=lit(31),
    )
    return exp.Substring(
        this=exp.Literal.string(USCC_CHARSET),
        start=exp.Add(this=check, expression=lit(1)),
        length=lit(1),
    )


def uscc_ok(v: exp.Expression) -> exp.Expression:
    total = _sum(
        exp.Mul(
            this=exp.paren(
                exp.Sub(this=position(USCC_CHARSET, substr(v, i + 1, 1)), expression=lit(1))
            ),
            expression=lit(w),
        )
        for i, w in enumerate(USCC_WEIGHTS)
    )
    return when(regex(v, USCC_RE.pattern),
                exp.EQ(this=substr(v, 18, 1), expression=_uscc_check_char(total)))  # fmt: skip


USCC_DIGITS = r"^[0-9]{17}[0-9A-HJ-NPQRTUWXY]$"  # the common case: letters only in the check


def once(e: exp.Expression) -> exp.Expression:
    """Marks a value validation in place computes once per row, as a column below the
    checks that mention it (SQL has no "let": every mention is evaluated again).
    ``inplace.flagged_query`` hoists it; elsewhere it is evaluated where it stands."""
    e.meta["once"] = True
    return e


def uscc_ok_in_place(v: exp.Expression) -> exp.Expression:
    """``uscc_ok`` with a fast path for the usual code (17 digits, then the check
    character): the 17 digits read by ONE cast, computed once per row (``once``), then
    taken apart by integer arithmetic, instead of a position lookup per character
    (half of the whole scan's cost for the customer record)."""

    def number() -> exp.Expression:
        cast = exp.cast(substr(v, 1, 17), exp.DataType.build("BIGINT"))
        return once(when(regex(v, USCC_DIGITS), cast, exp.Null()))

    digits = (
        exp.Mod(
            this=exp.paren(exp.IntDiv(this=number(), expression=lit(10 ** (16 - i)))),
            expression=lit(10),
        )
        for i in range(17)
    )
    total = _sum(
        exp.Mul(this=exp.paren(d), expression=lit(w))
        for d, w in zip(digits, USCC_WEIGHTS, strict=True)
    )
    # PostgreSQL's DIV gives NUMERIC, SUBSTRING takes INT only: one cast back
    total = exp.cast(exp.paren(total), exp.DataType.build("INT"))
    fast = exp.EQ(this=substr(v, 18, 1), expression=_uscc_check_char(total))
    known = exp.not_(exp.Is(this=number(), expression=exp.Null()))
    return exp.Case(ifs=[exp.If(this=known, true=fast)], default=uscc_ok(v))


def _sum(terms) -> exp.Expression:
    terms = list(terms)
    total = terms[0]
    for t in terms[1:]:
        total = exp.Add(this=total, expression=t)
    return total


def _digit(v: exp.Expression, start: int, size: int = 1) -> exp.Expression:
    """Digits at a 1-based position as an integer. Only ever evaluated under a guard whose
    regex matched digits there (``when``), so the cast cannot fail; one cast is several
    times cheaper than a position lookup per digit."""
    return exp.cast(substr(v, start, size), exp.DataType.build("INT"))


def valid_ymd(year: exp.Expression, month: exp.Expression, day: exp.Expression) -> exp.Expression:
    """The proleptic Gregorian calendar, as Python's ``date`` checks it."""
    leap = exp.or_(
        exp.and_(exp.EQ(this=exp.Mod(this=year, expression=lit(4)), expression=lit(0)),
                 exp.NEQ(this=exp.Mod(this=year, expression=lit(100)), expression=lit(0))),
        exp.EQ(this=exp.Mod(this=year, expression=lit(400)), expression=lit(0)),
    )  # fmt: skip
    days = exp.Case(
        ifs=[
            exp.If(this=exp.EQ(this=month, expression=lit(2)), true=when(leap, lit(29), lit(28))),
            exp.If(this=in_list(month, [4, 6, 9, 11]), true=lit(30)),
        ],
        default=lit(31),
    )
    # days 1–28 exist in every month: most rows never evaluate the month's length
    day_ok = exp.or_(
        exp.Between(this=day, low=lit(1), high=lit(28)),
        exp.Between(this=day.copy(), low=lit(1), high=days),
    )
    return all_of([
        exp.GTE(this=year, expression=lit(1)),
        exp.Between(this=month, low=lit(1), high=lit(12)),
        exp.paren(day_ok),
    ])  # fmt: skip


def date_text_ok(v: exp.Expression, offset: int = 0) -> exp.Expression:
    """``YYYY-MM-DD`` at ``offset`` is a real date (after the shape was matched)."""
    return valid_ymd(_digit(v, offset + 1, 4), _digit(v, offset + 6, 2), _digit(v, offset + 9, 2))


def date_text_check(v: exp.Expression) -> exp.Expression:
    """A ``YYYY-MM-DD`` text that is a real date: most by one regex, the rest (days
    29–31) by the calendar's arithmetic."""
    return exp.Case(
        ifs=[
            exp.If(this=regex(v, SURE_DATE_TEXT), true=TRUE()),
            exp.If(this=regex(v.copy(), DATE_TEXT), true=date_text_ok(v.copy())),
        ],
        default=FALSE(),
    )


def resident_id_ok(v: exp.Expression) -> exp.Expression:
    total = exp.paren(_sum(exp.Mul(this=_digit(v, i + 1), expression=lit(w))
                           for i, w in enumerate(RESIDENT_ID_WEIGHTS)))  # fmt: skip
    expected = exp.Substring(
        this=exp.Literal.string(RESIDENT_ID_CHECK),
        start=exp.Add(this=exp.Mod(this=total, expression=lit(11)), expression=lit(1)),
        length=lit(1),
    )
    birth = valid_ymd(_digit(v, 7, 4), _digit(v, 11, 2), _digit(v, 13, 2))
    return when(
        regex(v, r"^[1-9][0-9]{16}[0-9X]$"),
        all_of([birth, exp.EQ(this=substr(v, 18, 1), expression=expected)]),
    )


# ── keyword checks on a normalised value ─────────────────────────────────
decimals = decimal_places  # 0.01 → 2 (checkplan: shared with the polars renderer)


def string_checks(
    f: FieldPlan, v: exp.Expression, plan: Plan, exact: bool
) -> tuple[exp.Expression, list[str]]:
    """The string keywords of ``f`` on value ``v``; and what could not be expressed.

    ``exact``: a part that cannot be stated exactly makes the whole FALSE (validation);
    otherwise it is left out and named (the DDL lists it at the top)."""
    parts: list[exp.Expression] = []
    missing: list[str] = []

    def cannot(what: str) -> None:
        missing.append(what)
        if exact:
            parts.append(FALSE())

    for key, value in f.keywords:
        if key == "const":
            parts.append(exp.EQ(this=v, expression=lit(value))) if isinstance(
                value, str
            ) else cannot("const")
        elif key == "enum":
            parts.append(in_list(v, [x for x in value if isinstance(x, str)]))
        elif key == "pattern":
            parts.append(regex(v, value)) if portable(value) else cannot(f"pattern {value}")
        elif key == "format":
            parts.append(format_check(value, v, exact)) if value in FORMAT_SQL else cannot(
                f"format {value}"
            )
        elif key == "anyOf":
            options = [_alternative(a, v, exact) for a in f.alternatives]
            missing += [what for _, lost in options for what in lost]
            parts.append(any_of([check for check, _ in options]))
        elif key == "minLength":
            parts.append(exp.GTE(this=length(v), expression=lit(value)))
        elif key == "maxLength":
            parts.append(exp.LTE(this=length(v), expression=lit(value)))
    if f.code_rule is not None:  # the regex accepts exactly the values CodeRule.split does
        parts.append(regex(v, f.code_rule))
    return all_of(parts), missing


def _alternative(
    a: AlternativePlan, v: exp.Expression, exact: bool
) -> tuple[exp.Expression, list[str]]:
    """One ``anyOf`` item. A part SQL cannot state makes the item FALSE when ``exact``
    (the value then goes to the reference) and is left out otherwise: an item only
    weakens, so the OR stays a necessary condition for the DDL."""
    parts: list[exp.Expression] = []
    missing: list[str] = []
    if a.pattern is not None:
        if portable(a.pattern):
            parts.append(regex(v, a.pattern))
        else:
            missing.append(f"anyOf pattern {a.pattern}")
    if a.format is not None:
        if a.format in FORMAT_SQL:
            parts.append(format_check(a.format, v, exact))
        else:
            missing.append(f"anyOf format {a.format}")
    if a.min_length is not None:
        parts.append(exp.GTE(this=length(v), expression=lit(a.min_length)))
    if a.max_length is not None:
        parts.append(exp.LTE(this=length(v), expression=lit(a.max_length)))
    if missing and exact:
        return FALSE(), missing
    return all_of(parts), missing


def any_of(parts: list[exp.Expression]) -> exp.Expression:
    if any(constant(p) is True for p in parts):
        return TRUE()
    parts = [p for p in parts if constant(p) is not False]
    return exp.paren(exp.or_(*parts)) if parts else FALSE()


def _regex_format(pattern: str):
    return lambda v: regex(v, pattern)


# A format → SQL; one missing here is "not clean" (validation) or listed (DDL). The regex
# formats come from checkplan.REGEX_FORMATS, shared with the polars renderer.
FORMAT_SQL = {
    **{name: _regex_format(pattern) for name, pattern in REGEX_FORMATS.items()},
    "cn-uscc": uscc_ok,
    "cn-resident-id": resident_id_ok,
    "date": lambda v: date_text_check(v),
}


# validation in place only (a CHECK constraint cannot use a hoisted value, and is read)
FORMAT_SQL_IN_PLACE = {**FORMAT_SQL, "cn-uscc": uscc_ok_in_place}


def format_check(name: str, v: exp.Expression, exact: bool = False) -> exp.Expression:
    """``exact``: for validation in place (``FORMAT_SQL_IN_PLACE``), else for the DDL."""
    return (FORMAT_SQL_IN_PLACE if exact else FORMAT_SQL)[name](v)


def number_checks(
    f: FieldPlan,
    v: exp.Expression,
    exact: bool,
    float_column: bool = False,
    step_implied: bool = False,
) -> tuple[exp.Expression, list[str]]:
    """``step_implied``: the value's shape already allows no more decimal places than
    ``multipleOf`` (a power of ten) has, so the step holds without arithmetic."""
    parts: list[exp.Expression] = []
    missing: list[str] = []
    ops = {"minimum": exp.GTE, "exclusiveMinimum": exp.GT, "maximum": exp.LTE,
           "exclusiveMaximum": exp.LT}  # fmt: skip
    keywords = dict(f.number_keywords)
    between = "minimum" in keywords and "maximum" in keywords  # one BETWEEN: v read once
    if between:
        low, high = lit(keywords["minimum"]), lit(keywords["maximum"])
        parts.append(exp.Between(this=v.copy(), low=low, high=high))
    for key, value in f.number_keywords:
        if (between and key in ("minimum", "maximum")) or (key == "multipleOf" and step_implied):
            continue
        if key in ops:
            parts.append(ops[key](this=v, expression=lit(value)))
        elif key == "multipleOf":
            if float_column and exact:  # Python decides on str(float): not SQL's arithmetic
                missing.append(f"multipleOf {value}")
                parts.append(FALSE())
            elif decimals(value) and power_of_ten(value):  # exact rounding in every engine
                rounded = exp.Round(this=v.copy(), decimals=lit(decimals(value)))
                parts.append(exp.EQ(this=rounded, expression=v.copy()))
            else:  # decimal (or integer) remainder: exact, as the validator's Decimal
                parts.append(
                    exp.EQ(this=exp.Mod(this=v.copy(), expression=lit(value)), expression=lit(0))
                )
    if exact and any(k in ("const", "enum") for k, _ in f.keywords):
        parts.append(FALSE())  # const/enum on numbers: rare; the reference decides
    return all_of(parts), missing


# ── "surely clean" for validation in place ──────────────────────────────
def is_empty(col: Column) -> exp.Expression:
    c = col.ref
    null = exp.Is(this=c, expression=exp.Null())
    return exp.or_(null, exp.EQ(this=c, expression=lit(""))) if col.kind == TEXT else null


def tidy(v: exp.Expression, typed: bool) -> exp.Expression:
    """No whitespace at either end (and, in ``typed`` fields, no full-width character):
    the first and last characters looked up in the string of ``str.isspace`` characters
    (a one-character needle is found only where it is one of them). Typed fields scan
    for full-width text only when the value is not ASCII (two lengths compared)."""
    ends = exp.and_(
        exp.EQ(this=position(WHITESPACE, substr(v.copy(), 1, 1)), expression=lit(0)),
        exp.EQ(
            this=position(WHITESPACE, exp.Right(this=v.copy(), expression=lit(1))),
            expression=lit(0),
        ),
    )
    if not typed:
        return ends
    ascii_only = exp.EQ(this=exp.BitLength(this=v.copy()), expression=exp.Mul(
        this=lit(8), expression=length(v.copy())))  # fmt: skip
    narrow = exp.Case(ifs=[exp.If(this=ascii_only, true=TRUE())],
                      default=exp.not_(regex(v, FULL_WIDTH)))  # fmt: skip
    return exp.and_(ends, narrow)


def _tidy_text(text: str, typed: bool) -> bool:
    """What ``tidy`` says of a constant (code-list entries)."""
    return text.strip() == text and not (typed and re.search(FULL_WIDTH, text))


def clean(f: FieldPlan, col: Column | None, plan: Plan, labels: bool = False) -> exp.Expression:
    """True where the reference accepts the cell silently and its value is the raw one
    (``labels``: a dropdown label counts as clean too; only for fields whose normalised
    value no key or rule compares)."""
    if col is None:  # the column is absent: every value is empty
        return FALSE() if f.required else TRUE()
    filled = _filled_ok(f, col, plan, labels)
    return exp.Case(
        ifs=[exp.If(this=is_empty(col), true=FALSE() if f.required else TRUE())], default=filled
    )


def _filled_ok(f: FieldPlan, col: Column, plan: Plan, labels: bool = False) -> exp.Expression:
    v, kind = col.ref, col.kind
    if f.type == "string":
        if kind != TEXT:
            return FALSE()
        parts = []
        if f.codelist:  # CodeList.normalise: "11 北京市" and a title that is not a code
            accepted = plan.codelists[f.codelist].silent(labels)
            # the list holds only tidy values, so membership alone says the cell is tidy
            parts.append(in_list(v, [a for a in accepted if _tidy_text(a, f.typed)]))
        elif not f.exact_text:  # else the field's own checks reject untidy text anyway
            parts.append(tidy(v, f.typed))
        parts.append(string_checks(f, v, plan, exact=True)[0])
        return all_of(parts)
    if f.type == "integer":
        if kind == INT:
            return number_checks(f, v, exact=True)[0]
        if kind == TEXT:
            value = exp.cast(v, exp.DataType.build("BIGINT"))
            return when(regex(v, INT_TEXT), number_checks(f, value, exact=True)[0])
        return FALSE()
    if f.type == "number":
        return _number_ok(f, col)
    if f.type == "boolean":
        if f.keywords:
            return FALSE()
        if kind == BOOL:
            return TRUE()
        if kind == INT:
            return in_list(v, [0, 1])
        return (
            in_list(exp.Lower(this=v), sorted(TRUE_WORDS | FALSE_WORDS))
            if kind == TEXT
            else FALSE()
        )
    if f.keywords:  # const/enum on dates: the reference decides
        return FALSE()
    if f.type == "date":
        if kind == DATE:
            return _in_python_range(v, "DATE")
        return date_text_check(v) if kind == TEXT else FALSE()
    if kind in (DATE, TIMESTAMP):
        return _in_python_range(v, "TIMESTAMP")
    if kind == TIMESTAMPTZ:
        return TRUE()
    return when(regex(v, DATETIME_TEXT), date_text_ok(v)) if kind == TEXT else FALSE()


def _in_python_range(v: exp.Expression, type_: str) -> exp.Expression:
    low = exp.cast(exp.Literal.string("0001-01-01"), exp.DataType.build(type_))
    high = exp.cast(exp.Literal.string("9999-12-31"), exp.DataType.build(type_))
    return exp.Between(this=v, low=low, high=high)


def _number_ok(f: FieldPlan, col: Column) -> exp.Expression:
    v, kind = col.ref, col.kind
    if kind == INT:
        return number_checks(f, v, exact=True)[0]
    if kind == DECIMAL:
        # Python reads a decimal through str → float: exact for ≤ 15 significant digits
        digits = exp.LT(this=exp.Abs(this=v), expression=lit(10 ** (15 - (col.scale or 0))))
        return all_of([digits, number_checks(f, v, exact=True)[0]])
    if kind == FLOAT:
        finite = exp.Between(this=v, low=lit(-1e300), high=lit(1e300))
        return all_of([finite, number_checks(f, v, exact=True, float_column=True)[0]])
    if kind != TEXT:
        return FALSE()
    step = dict(f.number_keywords).get("multipleOf")
    places = None if step is None else decimals(step)
    if places is None:
        fraction = r"(\.[0-9]+)?"
    else:
        fraction = "" if places == 0 else r"(\.[0-9]{1,%s})?".replace("%s", str(places))
    shape = all_of([regex(v, rf"^-?(0|[1-9][0-9]*){fraction}$"),
                    exp.LTE(this=length(v), expression=lit(16))])  # fmt: skip
    # ≤ 16 characters: at most 16 digits before the point, ``places`` after it; with the
    # places known the value fits a 64-bit decimal (several times cheaper than 128-bit)
    scale = 16 if places is None else places
    value = exp.cast(v, exp.DataType.build(f"DECIMAL({min(38, 16 + scale)}, {scale})"))
    implied = step is not None and power_of_ten(step)  # then the regex allows ≤ places
    return when(shape, number_checks(f, value, exact=True, step_implied=implied)[0])


# ── moments and rules ────────────────────────────────────────────────────
def moment(f: FieldPlan, col: Column) -> exp.Expression | None:
    """A clean, non-empty date/date-time cell as a naive China-time TIMESTAMP."""
    ts = exp.DataType.build("TIMESTAMP")
    v = col.ref
    if col.kind == DATE:
        return exp.cast(v, ts)
    if col.kind == TIMESTAMP:
        return v
    if col.kind != TEXT or f.type not in ("date", "date-time"):
        return None
    if f.type == "date":
        text: exp.Expression = v
    else:
        seconds = when(
            exp.EQ(this=substr(v, 17, 1), expression=lit(":")), substr(v, 17, 3), lit(":00")
        )
        text = exp.Concat(expressions=[substr(v, 1, 10), lit(" "), substr(v, 12, 5), seconds])
    return when(exp.not_(is_empty(col)), exp.cast(text, ts), exp.Null())


def rule_holds(
    rule: RulePlan, fields: dict[str, FieldPlan], columns: dict[str, Column], plan: Plan
) -> exp.Expression:
    """True where the rule surely holds, given that every field it reads is clean."""
    render = RULE_SQL.get(rule.type)
    if render is None:
        return FALSE()  # a rule kind without SQL: the reference checks every row (documented)
    held = render(rule, fields, columns, plan)
    since = rule.params.get("from")
    if since is None:
        return held
    # rows before the effective date are exempt: they go to the reference, which counts them
    return when(_not_before(since, fields, columns), held)


def _not_before(
    since: dict, fields: dict[str, FieldPlan], columns: dict[str, Column]
) -> exp.Expression:
    """True where the row's date field is empty or on/after the effective date."""
    col = columns.get(since["field"])
    if col is None:
        return TRUE()  # an absent column is empty: no row is exempt
    day = moment(fields[since["field"]], col)
    if day is None:
        return FALSE()
    on_or_after = exp.GTE(this=_day(day), expression=_date(since["date"]))
    return when(is_empty(col), TRUE(), when(on_or_after, TRUE()))


def _date(text: str) -> exp.Expression:
    return exp.cast(exp.Literal.string(text), exp.DataType.build("DATE"))


def _day(moment_: exp.Expression) -> exp.Expression:
    """The (China) calendar day of a naive China-time moment."""
    return exp.cast(moment_, exp.DataType.build("DATE"))


def _weekdays_through(day: exp.Expression) -> exp.Expression:
    """Mondays–Fridays from 0001-01-01 (a Monday) through ``day``: rules.weekdays_before
    of the next day, as arithmetic on the engine's day difference."""
    n = exp.paren(
        exp.Add(
            this=exp.DateDiff(this=day, expression=_date("0001-01-01"), unit=exp.Var(this="DAY")),
            expression=lit(1),
        )
    )
    weeks = exp.Mul(this=lit(5), expression=exp.paren(exp.IntDiv(this=n, expression=lit(7))))
    rest = exp.Least(this=exp.Mod(this=n.copy(), expression=lit(7)), expressions=[lit(5)])
    return exp.paren(exp.Add(this=weeks, expression=rest))


def _dates_between(dates: list[str], start: exp.Expression, end: exp.Expression) -> exp.Expression:
    """How many of the calendar's dates are in (start, end]: the calendar inlined as
    literals (a few dozen a year), so no calendar table has to exist in the database."""
    if not dates:
        return lit(0)
    terms = [
        when(
            exp.and_(
                exp.GT(this=_date(d), expression=start.copy()),
                exp.LTE(this=_date(d), expression=end.copy()),
            ),
            lit(1),
            lit(0),
        )
        for d in dates
    ]
    return exp.paren(_sum(terms))


def _span(rule, fields, columns):
    """A start/end rule's columns and moments, or the rule's value when they decide it:
    TRUE for an absent column (empty: the rule holds), FALSE for a column SQL cannot
    read as a moment (the rows go to the reference)."""
    p = rule.params
    start_col, end_col = columns.get(p["start"]), columns.get(p["end"])
    if start_col is None or end_col is None:
        return TRUE()
    start, end = moment(fields[p["start"]], start_col), moment(fields[p["end"]], end_col)
    if start is None or end is None:
        return FALSE()
    return start_col, end_col, start, end


def _workdays(rule, fields, columns, plan) -> exp.Expression:
    span = _span(rule, fields, columns)
    if isinstance(span, exp.Expression):
        return span
    start_col, end_col, start, end = span
    p = rule.params
    calendar = plan.calendars[p["calendar"]]
    s, e = _day(start), _day(end)
    used = exp.Sub(
        this=exp.Sub(this=_weekdays_through(e), expression=_weekdays_through(s)),
        expression=_dates_between(calendar.off, s, e),
    )
    used = exp.Add(this=used, expression=_dates_between(calendar.on, s, e))
    ok = exp.and_(
        exp.LTE(this=start.copy(), expression=end.copy()),
        exp.LTE(this=exp.paren(used), expression=lit(p["max"])),
    )
    guard = exp.or_(is_empty(start_col), is_empty(end_col))
    return exp.Case(ifs=[exp.If(this=guard, true=TRUE())], default=when(ok, TRUE()))


def _order(rule, fields, columns, plan) -> exp.Expression:
    span = _span(rule, fields, columns)
    if isinstance(span, exp.Expression):
        return span
    start_col, end_col, start, end = span
    ok: exp.Expression = exp.LTE(this=start, expression=end)
    if rule.type == "max-interval" and rule.max_seconds is not None:
        limit = exp.Interval(
            this=exp.Literal.string(str(rule.max_seconds)), unit=exp.Var(this="SECOND")
        )
        ok = exp.and_(
            ok, exp.LTE(this=end, expression=exp.paren(exp.Add(this=start, expression=limit)))
        )
    guard = exp.or_(is_empty(start_col), is_empty(end_col))
    return exp.Case(ifs=[exp.If(this=guard, true=TRUE())], default=ok)


def _required_if(rule, fields, columns, plan) -> exp.Expression:
    p = rule.params
    trigger_col, target_col = columns.get(p["when"]["field"]), columns.get(p["field"])
    trigger_field = fields[p["when"]["field"]]
    equals = p["when"]["equals"]
    if trigger_col is None:
        return TRUE()
    if trigger_field.type != "string" or not isinstance(equals, str) or trigger_col.kind != TEXT:
        return FALSE()
    triggered = exp.EQ(this=trigger_col.ref, expression=lit(equals))
    present = FALSE() if target_col is None else exp.not_(is_empty(target_col))
    return exp.Case(ifs=[exp.If(this=triggered, true=present)], default=TRUE())


def _required_any(rule, fields, columns, plan) -> exp.Expression:
    filled = [exp.not_(is_empty(columns[k])) for k in rule.params["fields"] if k in columns]
    return exp.or_(*filled) if filled else FALSE()


def segment_span(f: FieldPlan, segment: int, plan: Plan) -> tuple[int, int] | None:
    """(1-based start, length) of the code rule's ``segment``-th part when every part up
    to it has one length (then any split cuts it there), else None."""
    start = 1
    for s in f.code_rule_segments[:segment]:
        if s.kind == "text":
            sizes = {len(str(s.value))}
        elif s.kind in ("digits", "letters"):
            sizes = {int(s.value)}
        else:
            codes = plan.codelists[str(s.value)].entries
            sizes = {len(c) for c, _t, level in codes if s.level is None or level == s.level}
        if len(sizes) != 1:
            return None
        size = sizes.pop()
        start += size
    return start - size, size


def _segment_equals(rule, fields, columns, plan) -> exp.Expression:
    p = rule.params
    code_col, other_col = columns.get(p["field"]), columns.get(p["equals"])
    if code_col is None or other_col is None:
        return TRUE()  # an absent column is empty: the rule holds
    span = segment_span(fields[p["field"]], p["segment"], plan)
    if span is None or code_col.kind != TEXT or other_col.kind != TEXT:
        return FALSE()
    same = exp.EQ(this=substr(code_col.ref, *span), expression=other_col.ref)
    guard = exp.or_(is_empty(code_col), is_empty(other_col))
    return exp.Case(ifs=[exp.If(this=guard, true=TRUE())], default=same)


RULE_SQL = {
    "date-order": _order,
    "max-interval": _order,
    "max-workdays": _workdays,
    "required-if": _required_if,
    "required-any": _required_any,
    "segment-equals": _segment_equals,
}
