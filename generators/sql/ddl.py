"""``infostd sql ddl``: tables built to the standard, from the check plan, per dialect.

For each record: typed columns, NOT NULL, CHECK constraints for every keyword and
rule SQL can state (length, range, ``multipleOf``, enum/const, code-rule and pattern
regexes, USCC and resident-ID check digits, mobile/e-mail shapes, date order, interval,
required-if), PRIMARY KEY/UNIQUE from ``x-unique``, foreign keys to other records and
to one table per code list (with its rows), and Chinese comments from titles and
descriptions. What SQL cannot state is listed in a comment at the top: those rules
are checked by ``infostd validate --db``.

A CHECK never rejects a value the validator accepts (it may accept one the validator
rejects, e.g. a code the regex admits but the segment walk does not).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from sqlglot import exp

from ..checkplan import FieldPlan, Plan, RecordPlan
from . import expr

DIALECTS = ("postgres", "mysql", "duckdb", "spark")
# column comments inside the column definition (no COMMENT ON statement)
INLINE_COMMENTS = ("mysql", "spark")
CODELIST_PREFIX = "codelist_"


@dataclass
class Ddl:
    statements: list[exp.Expression] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)  # what SQL cannot state
    unenforced: list[str] = field(default_factory=list)  # stated, but the engine ignores it
    dialect: str = ""


def one_line(text: object) -> str:
    """Catalog text safe inside a ``--`` comment: one line, no control characters."""
    return " ".join("".join(c if c.isprintable() else " " for c in str(text)).split())


def codelist_table(key: str) -> str:
    return CODELIST_PREFIX + key.replace("-", "_").replace("@", "_level")  # LIST@n: one level


def _ident(name: str) -> exp.Identifier:
    return exp.to_identifier(name, quoted=True)


def column_type(f: FieldPlan, plan: Plan, dialect: str, keyed: bool) -> exp.DataType:
    if f.type == "string":
        size = dict(f.keywords).get("maxLength")
        if size is None and f.codelist:
            size = max(len(c) for c, _, _ in plan.codelists[f.codelist].entries)
        if size is None and f.code_rule_segments:
            size = _code_length(f, plan)
        if size is not None:
            return exp.DataType.build(f"VARCHAR({size})")
        return exp.DataType.build("VARCHAR(255)" if dialect == "mysql" and keyed else "TEXT")
    if f.type == "integer":
        return exp.DataType.build("BIGINT")
    if f.type == "number":
        step = dict(f.number_keywords).get("multipleOf")
        if step is None:
            return exp.DataType.build("DOUBLE")
        # two more places than the step, so a CHECK sees (and refuses) 0.001 for 0.01
        # instead of the column rounding it away first
        scale = expr.decimals(step) + 2
        top = max((abs(Decimal(str(v))) for k, v in f.number_keywords if "imum" in k), default=None)
        digits = 38 if top is None or top >= Decimal(10) ** (18 - scale) else 18
        return exp.DataType.build(f"DECIMAL({digits}, {scale})")
    if f.type == "boolean":
        return exp.DataType.build("BOOLEAN")
    if f.type == "date":
        return exp.DataType.build("DATE")
    return exp.DataType.build("DATETIME" if dialect == "mysql" else "TIMESTAMPTZ")


def _code_length(f: FieldPlan, plan: Plan) -> int:
    total = 0
    for s in f.code_rule_segments:
        if s.kind == "text":
            total += len(str(s.value))
        elif s.kind in ("digits", "letters"):
            total += int(s.value)
        else:
            total += max(len(c) for c, _, lvl in plan.codelists[str(s.value)].entries
                         if s.level is None or lvl == s.level)  # fmt: skip
    return total


def _named(name: str, kind: exp.Expression) -> exp.Constraint:
    """Every constraint carries a name, so a migration can drop and add it by name."""
    return exp.Constraint(this=_ident(name), expressions=[kind])


def _check(name: str, condition: exp.Expression) -> exp.Constraint:
    return _named(name, exp.CheckColumnConstraint(this=condition))


def _reference(table: str, column: str) -> exp.Reference:
    return exp.Reference(
        this=exp.Schema(this=exp.table_(table, quoted=True), expressions=[_ident(column)])
    )


def field_checks(rec: RecordPlan, f: FieldPlan, plan: Plan, ddl: Ddl) -> list[exp.Expression]:
    col = exp.column(f.key, quoted=True)
    conditions: list[exp.Expression] = []
    if f.type == "string":
        checks, missing = expr.string_checks(f, col, plan, exact=False)
        if f.required:
            conditions.append(exp.NEQ(this=col.copy(), expression=expr.lit("")))
        if expr.constant(checks) is not True:
            conditions.append(checks)
    elif f.type in ("integer", "number"):
        checks, missing = expr.number_checks(f, col, exact=False)
        if expr.constant(checks) is not True:
            conditions.append(checks)
        enum = [v for k, v in f.keywords if k == "enum"]
        if enum:
            conditions.append(
                expr.in_list(col.copy(), [v for v in enum[0] if not isinstance(v, bool)])
            )
    else:
        missing = [k for k, _ in f.keywords]
    ddl.missing += [f"{rec.key}.{f.key}（{f.title}）：{what}" for what in missing]
    return [_check(f"ck_{rec.key}_{f.key}_{i}", c) for i, c in enumerate(conditions, start=1)]


def rule_checks(rec: RecordPlan, plan: Plan, ddl: Ddl) -> list[exp.Expression]:
    fields = {f.key: f for f in rec.fields}
    out: list[exp.Expression] = []
    for rule in rec.rules:
        condition = RULE_DDL.get(rule.type, lambda r, fs, p: None)(rule, fields, plan)
        if condition is None:
            ddl.missing.append(f"{rec.key}：规则 {rule.id}（{one_line(rule.message)}）")
            continue
        since = rule.params.get("from")
        if since is not None:  # rows before the effective date are exempt
            before = exp.LT(
                this=exp.column(since["field"], quoted=True),
                expression=_first_moment(fields[since["field"]], since["date"], ddl),
            )
            condition = exp.or_(before, condition)
        out.append(_check(f"ck_{rec.key}_{rule.id}".replace("-", "_").lower(), condition))
    return out


def _first_moment(f: FieldPlan, date: str, ddl: Ddl) -> exp.Expression:
    """The effective date as a value of the field's column type (00:00 China time)."""
    if f.type == "date":
        return exp.cast(expr.lit(date), exp.DataType.build("DATE"))
    if ddl.dialect == "mysql":  # DATETIME holds China time without an offset
        return exp.cast(expr.lit(f"{date} 00:00:00"), exp.DataType.build("DATETIME"))
    return exp.cast(expr.lit(f"{date} 00:00:00+08:00"), exp.DataType.build("TIMESTAMPTZ"))


def _moment(f: FieldPlan, other: FieldPlan) -> exp.Expression:
    col = exp.column(f.key, quoted=True)
    return col if f.type == other.type else exp.cast(col, exp.DataType.build("TIMESTAMP"))


def _order_check(rule, fields, plan) -> exp.Expression:
    start_f, end_f = fields[rule.params["start"]], fields[rule.params["end"]]
    start, end = _moment(start_f, end_f), _moment(end_f, start_f)
    ok: exp.Expression = exp.LTE(this=start, expression=end)
    if rule.type == "max-interval" and rule.max_seconds is not None:
        limit = exp.Interval(
            this=exp.Literal.string(str(rule.max_seconds)), unit=exp.Var(this="SECOND")
        )
        ok = exp.and_(
            ok,
            exp.LTE(
                this=end.copy(), expression=exp.paren(exp.Add(this=start.copy(), expression=limit))
            ),
        )
    return ok  # NULL when either is empty: a CHECK passes then, as the rule does


def _required_if_check(rule, fields, plan) -> exp.Expression | None:
    equals = rule.params["when"]["equals"]
    if isinstance(equals, bool) or not isinstance(equals, str | int | float):
        return None
    trigger = exp.column(rule.params["when"]["field"], quoted=True)
    target = fields[rule.params["field"]]
    present = _present(target)
    untriggered = exp.or_(
        exp.Is(this=trigger, expression=exp.Null()),
        exp.NEQ(this=trigger.copy(), expression=expr.lit(equals)),
    )
    return exp.or_(untriggered, present)


def _present(f: FieldPlan) -> exp.Expression:
    col = exp.column(f.key, quoted=True)
    present: exp.Expression = exp.not_(exp.Is(this=col, expression=exp.Null()))
    if f.type == "string":
        present = exp.and_(present, exp.NEQ(this=col.copy(), expression=expr.lit("")))
    return present


def _required_any_check(rule, fields, plan) -> exp.Expression:
    return exp.or_(*(exp.paren(_present(fields[k])) for k in rule.params["fields"]))


def _segment_equals_check(rule, fields, plan) -> exp.Expression | None:
    code, other = fields[rule.params["field"]], fields[rule.params["equals"]]
    span = expr.segment_span(code, rule.params["segment"], plan)
    if span is None or code.type != "string" or other.type != "string":
        return None  # a segment with no fixed place: listed at the top instead
    code_col, other_col = exp.column(code.key, quoted=True), exp.column(other.key, quoted=True)
    same = exp.EQ(this=expr.substr(code_col, *span), expression=other_col)
    # NULL (either empty) passes the CHECK, as the rule holds; "" is empty to the validator
    empty = [exp.EQ(this=c.copy(), expression=expr.lit("")) for c in (code_col, other_col)]
    return exp.or_(*empty, same)


# max-workdays: a CHECK states the order (a necessary condition); the working-day count
# needs the China calendar day of a TIMESTAMPTZ, which each engine spells differently.
RULE_DDL = {"date-order": _order_check, "max-interval": _order_check,
            "max-workdays": _order_check, "required-if": _required_if_check,
            "required-any": _required_any_check, "segment-equals": _segment_equals_check}  # fmt: skip


def record_table(
    rec: RecordPlan, plan: Plan, dialect: str, ddl: Ddl, records: dict[str, RecordPlan]
) -> None:
    keyed = {k for g in rec.unique for k in g} | {fk["field"] for fk in rec.foreign_keys}
    primary = (
        rec.unique[0]
        if rec.unique
        and all(next(f for f in rec.fields if f.key == k).required for k in rec.unique[0])
        else None
    )
    columns: list[exp.Expression] = []
    for f in rec.fields:
        constraints = []
        if f.required:
            constraints.append(exp.ColumnConstraint(kind=exp.NotNullColumnConstraint()))
        if dialect in INLINE_COMMENTS:
            constraints.append(
                exp.ColumnConstraint(
                    kind=exp.CommentColumnConstraint(this=expr.lit(_column_comment(f)))
                )
            )
        columns.append(exp.ColumnDef(this=_ident(f.key), kind=column_type(f, plan, dialect, f.key in keyed),
                                     constraints=constraints))  # fmt: skip
    for f in rec.fields:
        columns += field_checks(rec, f, plan, ddl)
    columns += rule_checks(rec, plan, ddl)
    if primary:
        columns.append(
            _named(f"pk_{rec.key}", exp.PrimaryKey(expressions=[_ident(k) for k in primary]))
        )
    for group in rec.unique:
        if group != primary:
            unique = exp.UniqueColumnConstraint(
                this=exp.Schema(expressions=[_ident(k) for k in group])
            )
            columns.append(_named(f"uq_{rec.key}_{'_'.join(group)}", unique))
    for f in rec.fields:
        if f.codelist:
            fk = exp.ForeignKey(expressions=[_ident(f.key)],
                                reference=_reference(codelist_table(f.codelist), "code"))  # fmt: skip
            columns.append(_named(f"fk_{rec.key}_{f.key}_code", fk))
    for fk in rec.foreign_keys:
        target = records.get(fk["record"])
        if target is None or [fk["ref"]] not in target.unique:
            ddl.missing.append(
                f"{rec.key}.{fk['field']}：外键 → {fk['record']}.{fk['ref']}（目标列不唯一）"
            )
            continue
        fk_ = exp.ForeignKey(expressions=[_ident(fk["field"])],
                             reference=_reference(fk["record"], fk["ref"]))  # fmt: skip
        columns.append(_named(f"fk_{rec.key}_{fk['field']}", fk_))
        if "where" in fk:  # the key exists (REFERENCES); its condition needs another table's row
            allowed = "、".join(str(v) for v in fk["where"]["in"])
            ddl.missing.append(
                f"{rec.key}.{fk['field']}：外键条件 {fk['record']}.{fk['where']['field']} 须为 "
                f"{one_line(allowed)}（CHECK 不能读取其他表）"
            )
    if dialect == "spark":
        columns = spark_columns(rec.key, columns, ddl)
    table = exp.Schema(this=exp.table_(rec.key, quoted=True), expressions=columns)
    ddl.statements.append(
        exp.Create(this=table, kind="TABLE", properties=_table_properties(dialect, rec.title))
    )
    if dialect not in INLINE_COMMENTS:
        ddl.statements.append(_comment("TABLE", exp.table_(rec.key, quoted=True), rec.title))
        for f in rec.fields:
            ddl.statements.append(
                _comment("COLUMN", exp.column(f.key, rec.key, quoted=True), _column_comment(f))
            )


def _table_properties(dialect: str, comment: str) -> exp.Properties | None:
    if dialect == "mysql":
        return exp.Properties(expressions=[exp.SchemaCommentProperty(this=expr.lit(comment))])
    if dialect == "spark":
        return exp.Properties(expressions=[exp.FileFormatProperty(this=exp.var("PARQUET")),
                                           exp.SchemaCommentProperty(this=expr.lit(comment))])  # fmt: skip
    return None


def spark_columns(table: str, columns: list[exp.Expression], ddl: Ddl) -> list[exp.Expression]:
    """Spark tables over Parquet enforce types and VARCHAR lengths only: NOT NULL, CHECK,
    keys and foreign keys are listed in the header (``ddl.unenforced``) instead."""
    kept: list[exp.Expression] = []
    required = []
    for c in columns:
        if isinstance(c, exp.ColumnDef):
            nn = [k for k in c.constraints if isinstance(k.kind, exp.NotNullColumnConstraint)]
            required += [c.name] if nn else []
            c.set("constraints", [k for k in c.constraints if k not in nn])
            kept.append(c)
        else:
            body = c.expressions[0].sql("spark")
            ddl.unenforced.append(f"{table}：{c.name} {one_line(body)}")
    if required:
        ddl.unenforced.insert(0, f"{table}：非空 {'、'.join(required)}")
    return kept


def _column_comment(f: FieldPlan) -> str:
    return one_line(f.title)


def _comment(kind: str, target: exp.Expression, text: str) -> exp.Comment:
    return exp.Comment(this=target, kind=kind, expression=expr.lit(text))


def codelist_tables(plan: Plan, keys: list[str], dialect: str, ddl: Ddl) -> None:
    for key in keys:
        cl = plan.codelists[key]
        name = exp.table_(codelist_table(key), quoted=True)
        size = max(len(c) for c, _, _ in cl.entries)
        key = (
            []
            if dialect == "spark"
            else [exp.ColumnConstraint(kind=exp.PrimaryKeyColumnConstraint())]
        )
        cols = [
            exp.ColumnDef(this=_ident("code"), kind=exp.DataType.build(f"VARCHAR({size})"),
                          constraints=key),
            exp.ColumnDef(this=_ident("title"), kind=exp.DataType.build("VARCHAR(200)"),
                          constraints=[exp.ColumnConstraint(kind=exp.NotNullColumnConstraint())]),
            exp.ColumnDef(this=_ident("level"), kind=exp.DataType.build("INT"),
                          constraints=[exp.ColumnConstraint(kind=exp.NotNullColumnConstraint())]),
            # retired codes stay (old rows keep them); new data must not use them
            exp.ColumnDef(this=_ident("deprecated"), kind=exp.DataType.build("BOOLEAN"),
                          constraints=[exp.ColumnConstraint(kind=exp.NotNullColumnConstraint())]),
            exp.ColumnDef(this=_ident("withdrawn"), kind=exp.DataType.build("DATE")),
        ]  # fmt: skip
        properties = _table_properties(dialect, f"代码表：{cl.title}")
        if dialect == "spark":
            for c in cols:  # NOT NULL is not enforced on Parquet tables
                c.set("constraints", [])
        ddl.statements.append(
            exp.Create(
                this=exp.Schema(this=name, expressions=cols), kind="TABLE", properties=properties
            )
        )
        if dialect not in INLINE_COMMENTS:
            ddl.statements.append(_comment("TABLE", name.copy(), f"代码表：{cl.title}"))
        rows = [
            exp.Tuple(
                expressions=[
                    expr.lit(c), expr.lit(t), expr.lit(lvl),
                    exp.Boolean(this=c in cl.deprecated),
                    exp.cast(expr.lit(cl.withdrawn[c]), "DATE") if c in cl.withdrawn else exp.Null(),
                ]
            )
            for c, t, lvl in cl.entries
        ]  # fmt: skip
        names = ["code", "title", "level", "deprecated", "withdrawn"]
        insert = exp.Insert(
            this=exp.Schema(this=name.copy(), expressions=[_ident(n) for n in names]),
            expression=exp.Values(expressions=rows),
        )
        ddl.statements.append(insert)


def with_dependencies(plan: Plan, keys: list[str]) -> list[RecordPlan]:
    """The chosen records and every record their foreign keys point at, targets first."""
    by_key = {r.key: r for r in plan.records}
    ordered: list[RecordPlan] = []

    def visit(key: str, seen: frozenset[str]) -> None:
        if key in seen or any(r.key == key for r in ordered):
            return
        for fk in by_key[key].foreign_keys:
            if fk["record"] != key:
                visit(fk["record"], seen | {key})
        ordered.append(by_key[key])

    for key in keys or list(by_key):
        visit(key, frozenset())
    return ordered


def build_ddl(plan: Plan, keys: list[str], dialect: str) -> Ddl:
    records = with_dependencies(plan, keys)
    ddl = Ddl(dialect=dialect)
    used = sorted({f.codelist for r in records for f in r.fields if f.codelist})
    codelist_tables(plan, used, dialect, ddl)
    by_key = {r.key: r for r in plan.records}
    for rec in records:
        record_table(rec, plan, dialect, ddl, by_key)
    return ddl


def render_ddl(plan: Plan, keys: list[str], dialect: str) -> str:
    ddl = build_ddl(plan, keys, dialect)
    names = "、".join(r.key for r in with_dependencies(plan, keys))
    head = [
        f"-- infostd {one_line(plan.version)}：按标准生成的建表语句（{dialect}），记录：{names}。",
        "-- 由 infostd sql ddl 生成，请勿手工修改；标准变更后重新生成。",
    ]
    if ddl.missing:
        head.append("-- 以下规则无法用 SQL 约束表达，请用 infostd validate --db 校验：")
        head += [f"--   {one_line(m)}" for m in ddl.missing]
    if ddl.unenforced:
        head.append(
            f"-- 以下约束 {dialect} 不强制执行（Parquet 表只保证类型与 VARCHAR 长度），"
            "请用 infostd validate --engine spark --table 库.表 校验："
        )
        head += [f"--   {one_line(m)}" for m in ddl.unenforced]
    head.append("-- 另外：去除首尾空格、全角转半角、下拉标签转代码等输入规范化只在校验时进行。")
    head.append("-- 不带时区的时间按中国标准时间（+08:00）理解：请把会话时区设为 Asia/Shanghai。")
    body = [s.sql(dialect=dialect, pretty=True) + ";" for s in ddl.statements]
    return "\n".join(head) + "\n\n" + "\n\n".join(body) + "\n"
