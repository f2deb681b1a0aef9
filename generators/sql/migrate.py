"""``infostd sql migrate OLD NEW``: the script that takes tables built by ``infostd sql ddl``
at one release to what ``sql ddl`` builds at another.

The comparison is ``infostd diff``'s (``release.compare``: the two catalogs and their
changes). The statements come from the two DDLs ``ddl.build_ddl`` renders from those
catalogs, compared object by object (columns, named constraints, comments, code-list
rows), so a migrated database equals a freshly built one by construction, including
what a catalog change implies elsewhere (a longer code widens every column that takes
it). Each step names where it comes from (standard, record.field) and the diff's
messages about it; steps that lose data or cannot keep existing rows are destructive
and refused unless allowed.

PostgreSQL and MySQL are altered in place (``ALTER TABLE``: drop/add constraints by
name, column types, NOT NULL); DuckDB cannot add or drop constraints, so a table whose
definition changes is rebuilt (rows copied through a temporary table), together with
the tables whose foreign keys point at it. Everything runs in one transaction where
the dialect has transactional DDL (not MySQL).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from sqlglot import exp

from ..checkplan import plan_for
from ..errors import InfostdError
from ..model import Catalog
from . import expr
from .ddl import CODELIST_PREFIX, Ddl, build_ddl, codelist_table, one_line

DIALECTS = ("postgres", "mysql", "duckdb")
OLD_COPY = "__infostd_old_"


# ── the two DDLs as objects ──────────────────────────────────────────────────
@dataclass
class Table:
    name: str
    create: exp.Create
    statements: list[exp.Expression]  # CREATE, COMMENT ON …, INSERT (code lists)
    columns: dict[str, exp.ColumnDef]
    constraints: dict[str, exp.Constraint]  # by name, in DDL order
    comments: dict[str, str]  # "" = the table's, else column → text
    rows: dict[str, tuple[exp.Expression, ...]] | None  # code lists: code → the other values
    row_columns: list[str] = field(default_factory=list)  # code, title, level, …

    def column_type(self, name: str) -> exp.DataType:
        return self.columns[name].args["kind"]

    def not_null(self, name: str) -> bool:
        return any(
            isinstance(c.kind, exp.NotNullColumnConstraint | exp.PrimaryKeyColumnConstraint)
            for c in self.columns[name].constraints
        )

    def references(self) -> set[str]:
        out = set()
        for c in self.constraints.values():
            fk = c.expressions[0]
            if isinstance(fk, exp.ForeignKey):
                out.add(fk.args["reference"].this.this.name)
        return out - {self.name}


def tables_of(ddl: Ddl) -> dict[str, Table]:
    """The DDL's statements grouped by table, in creation order (targets first)."""
    tables: dict[str, Table] = {}
    for statement in ddl.statements:
        if isinstance(statement, exp.Create):
            schema = statement.this
            columns = {c.name: c for c in schema.expressions if isinstance(c, exp.ColumnDef)}
            named = {c.name: c for c in schema.expressions if isinstance(c, exp.Constraint)}
            comments = {}
            for prop in (statement.args.get("properties") or exp.Properties()).expressions:
                if isinstance(prop, exp.SchemaCommentProperty):
                    comments[""] = prop.this.this
            for c in columns.values():
                for k in c.constraints:
                    if isinstance(k.kind, exp.CommentColumnConstraint):
                        comments[c.name] = k.kind.this.this
            name = schema.this.name
            rows = {} if name.startswith(CODELIST_PREFIX) else None
            tables[name] = Table(name, statement, [statement], columns, named, comments, rows)
        elif isinstance(statement, exp.Comment):
            target = statement.this
            table = target.name if statement.args["kind"] == "TABLE" else target.table
            tables[table].statements.append(statement)
            tables[table].comments["" if statement.args["kind"] == "TABLE" else target.name] = (
                statement.expression.this
            )
        elif isinstance(statement, exp.Insert):
            table = tables[statement.this.this.name]
            table.statements.append(statement)
            table.row_columns = [i.name for i in statement.this.expressions]
            for row in statement.expression.expressions:
                code, *rest = row.expressions
                table.rows[code.to_py()] = tuple(rest)  # type: ignore[index]
    return tables


def catalog_ddl(catalog: Catalog, keys: list[str], dialect: str, version: str) -> Ddl:
    """``sql ddl``'s objects for ``keys`` (and their dependencies) that exist in ``catalog``."""
    present = [k for k in keys if k in catalog.records]
    if keys and not present:
        return Ddl()
    return build_ddl(plan_for(catalog, version), present, dialect)


# ── steps ────────────────────────────────────────────────────────────────────
@dataclass
class Step:
    what: str  # Chinese: what the statements do
    sql: list[str]
    where: str = ""  # standard and record.field, for messages
    destructive: bool = False
    notes: list[str] = field(default_factory=list)  # the diff's messages about it


@dataclass
class Migration:
    dialect: str
    steps: list[Step]
    header: list[str]

    @property
    def destructive(self) -> list[Step]:
        return [s for s in self.steps if s.destructive]

    def render(self) -> str:
        lines = [f"-- {one_line(h)}" for h in self.header]
        begin, end = TRANSACTION.get(self.dialect, (None, None))
        body: list[str] = [begin] if begin else []
        for n, step in enumerate(self.steps, start=1):
            mark = "【破坏性】" if step.destructive else ""
            where = f"{step.where}：" if step.where else ""
            block = [f"-- {n}. {mark}{one_line(where + step.what)}"]
            block += [f"--    {one_line(note)}" for note in step.notes]
            block += [s if s.endswith(";") else s + ";" for s in step.sql]
            body.append("\n".join(block))
        if end:
            body.append(end)
        if not self.steps:
            body = ["-- 两个版本的表结构相同：无需迁移。"]
        return "\n".join(lines) + "\n\n" + "\n\n".join(body) + "\n"


TRANSACTION = {"postgres": ("BEGIN;", "COMMIT;"), "duckdb": ("BEGIN TRANSACTION;", "COMMIT;")}


class DestructiveRefused(InfostdError):
    """Exit 2: the script would lose data; say every such step, located."""


def q(name: str, dialect: str) -> str:
    return exp.to_identifier(name, quoted=True).sql(dialect)


def lit(value: Any, dialect: str) -> str:
    return "NULL" if value is None else expr.lit(value).sql(dialect)


# ── locating: table/column → standard, record.field, title ──────────────────
@dataclass
class Places:
    old: Catalog
    new: Catalog

    def table(self, name: str) -> str:
        key = self._key(name)
        schema = self.new.schemas.get(key) or self.old.schemas.get(key)
        if schema is None:
            return name
        return f"{schema.standard_id} {schema.key}（{schema.title}）"

    def column(self, table: str, column: str) -> str:
        schema = self.new.schemas.get(table) or self.old.schemas.get(table)
        if schema is None or schema.kind != "record":
            return f"{table}.{column}"
        f = schema.field_by_key.get(column) or self.old.records[table].field_by_key.get(column)
        title = f"（{f.title}）" if f else ""
        return f"{schema.standard_id} {table}.{column}{title}"

    def _key(self, name: str) -> str:
        if not name.startswith(CODELIST_PREFIX):
            return name
        for catalog in (self.new, self.old):
            for key in catalog.codelists:  # LIST@n has a table of its own: codelist_LIST_leveln
                if re.fullmatch(re.escape(codelist_table(key)) + r"(_level\d+)?", name):
                    return key
        return name

    def schema_key(self, name: str) -> str:
        return self._key(name)


# ── types: is a change a widening? ───────────────────────────────────────────
def _params(t: exp.DataType) -> list[int]:
    return [int(p.this.this) for p in t.expressions if isinstance(p, exp.DataTypeParam)]


def widens(old: exp.DataType, new: exp.DataType) -> bool:
    """Every value of ``old`` fits ``new`` unchanged."""
    T = exp.DataType.Type
    texts = (T.VARCHAR, T.TEXT, T.CHAR)
    if old.this in texts and new.this == T.TEXT:
        return True
    if old.this == new.this == T.VARCHAR:
        return _params(new)[0] >= _params(old)[0]
    if old.this == new.this == T.DECIMAL:
        (p, s), (p2, s2) = _params(old), _params(new)
        return s2 >= s and p2 - s2 >= p - s
    if old.this == T.BIGINT:
        return new.this == T.DOUBLE or (
            new.this == T.DECIMAL and _params(new)[0] - _params(new)[1] >= 19
        )
    if old.this == T.DECIMAL:
        return new.this == T.DOUBLE
    return old.this == T.DATE and new.this in (T.TIMESTAMPTZ, T.DATETIME)


# ── the comparison of two DDLs ──────────────────────────────────────────────
@dataclass
class Plan:
    """What differs, dialect-independent; the renderers below turn it into SQL."""

    old: dict[str, Table]
    new: dict[str, Table]
    places: Places
    notes: dict[tuple[str, str | None], list[str]]  # (schema, field) → diff messages

    @property
    def added(self) -> list[str]:
        return [t for t in self.new if t not in self.old]

    @property
    def removed(self) -> list[str]:
        return [t for t in self.old if t not in self.new]

    @property
    def kept(self) -> list[str]:
        return [t for t in self.new if t in self.old]

    def about(self, table: str, column: str | None = None) -> list[str]:
        return list(self.notes.get((self.places.schema_key(table), column), []))

    def changed_constraints(self, table: str) -> tuple[list[str], list[str]]:
        """Names to drop (gone or redefined) and to add (new or redefined)."""
        before, after = self.old[table].constraints, self.new[table].constraints
        drop = [n for n, c in before.items() if n not in after or after[n] != c]
        add = [n for n, c in after.items() if n not in before or before[n] != c]
        return drop, add

    def structure_changed(self, table: str) -> bool:
        old, new = self.old[table], self.new[table]
        if list(old.constraints) != list(new.constraints) or any(
            old.constraints[n] != new.constraints[n] for n in new.constraints
        ):
            return True
        if list(old.columns) != list(new.columns):
            return True
        return any(
            old.column_type(c) != new.column_type(c) or old.not_null(c) != new.not_null(c)
            for c in new.columns
        )


def column_steps(plan: Plan, table: str, default_of) -> list[tuple[str, str, Step]]:
    """(action, column, step) per column difference; the dialect fills in the SQL."""
    old, new = plan.old[table], plan.new[table]
    out: list[tuple[str, str, Step]] = []

    def add(action: str, column: str, what: str, destructive: bool = False) -> None:
        where, notes = plan.places.column(table, column), plan.about(table, column)
        out.append((action, column, Step(what, [], where, destructive, notes)))

    for c in new.columns:
        if c not in old.columns:
            default = default_of(table, c)
            if not new.not_null(c):
                add("add", c, "新增列（可空）：已有行此列为空")
            elif default is not None:
                add("add", c, f"新增必填列：已有行填入标准规定的默认值 {one_line(default)}")
            else:
                add("add", c, "新增必填列且标准未规定默认值：已有行无法取值——表中有数据时"
                              "本步失败、整个迁移回滚；请先在本步之前补齐该列（UPDATE）", True)  # fmt: skip
            continue
        was, now = old.column_type(c), new.column_type(c)
        if was != now and widens(was, now):
            add("type", c, f"列类型放宽：{was.sql()} → {now.sql()}")
        elif was != now:
            add(
                "type",
                c,
                f"列类型收窄：{was.sql()} → {now.sql()}，已有值可能被截断或无法转换",
                True,
            )
        if old.not_null(c) != new.not_null(c):
            what = "改为必填（NOT NULL）：已有空值时本步失败、整个迁移回滚"
            add("null", c, what if new.not_null(c) else "改为可空")
    for c in old.columns:
        if c not in new.columns:
            add("drop", c, "删除列：该列的数据将丢失", True)
    return out


def _title(row: tuple[exp.Expression, ...]) -> str:
    return one_line(row[0].to_py() if isinstance(row[0], exp.Literal) else row[0].sql())


def row_steps(plan: Plan, table: str, dialect: str) -> list[Step]:
    """INSERT/UPDATE/DELETE on a code-list table that stays; a deprecation or withdrawal
    date (the ``deprecated``/``withdrawn`` columns) is an UPDATE like a new title."""
    old, new = plan.old[table].rows or {}, plan.new[table].rows or {}
    columns = plan.new[table].row_columns
    where = plan.places.table(table)
    notes = plan.about(table)
    name = q(table, dialect)
    steps = []
    added = [c for c in new if c not in old]
    if added:
        values = ", ".join(
            "(" + ", ".join([lit(c, dialect), *(v.sql(dialect) for v in new[c])]) + ")"
            for c in added
        )
        names = ", ".join(q(c, dialect) for c in columns)
        sql = f"INSERT INTO {name} ({names}) VALUES {values}"
        steps.append(Step(f"新增代码 {'、'.join(added)}", [sql], where, notes=notes))
        notes = []
    for c in new:
        if c in old and old[c] != new[c]:
            changed = [
                (k, v) for k, v, was in zip(columns[1:], new[c], old[c], strict=False) if v != was
            ]
            sets = ", ".join(f"{q(k, dialect)} = {v.sql(dialect)}" for k, v in changed)
            sql = f"UPDATE {name} SET {sets} WHERE {q('code', dialect)} = {lit(c, dialect)}"
            shown = "、".join(f"{k} = {one_line(v.sql())}" for k, v in changed)
            steps.append(Step(f"代码 {c} 修改：{shown}", [sql], where, notes=notes))
            notes = []
    for c in old:
        if c not in new:
            sql = f"DELETE FROM {name} WHERE {q('code', dialect)} = {lit(c, dialect)}"
            what = f"删除代码 {c} {_title(old[c])}：仍引用它的行使本步失败、整个迁移回滚"
            steps.append(Step(what, [sql], where, destructive=True, notes=notes))
            notes = []
    return steps


def comment_sql(table: str, column: str, text: str, dialect: str) -> str:
    target = (
        f"TABLE {q(table, dialect)}"
        if not column
        else f"COLUMN {q(table, dialect)}.{q(column, dialect)}"
    )
    return f"COMMENT ON {target} IS {lit(text, dialect)}"


def comment_steps(plan: Plan, table: str, dialect: str) -> list[Step]:
    old, new = plan.old[table].comments, plan.new[table].comments
    steps = []
    for column, text in new.items():
        if old.get(column) == text or (
            dialect == "mysql" and column not in plan.old[table].columns
        ):
            continue  # MySQL: a new column carries its comment
        where = plan.places.column(table, column) if column else plan.places.table(table)
        if dialect == "mysql" and column:  # the comment is part of the column definition
            definition = plan.new[table].columns[column].sql(dialect)
            sql = f"ALTER TABLE {q(table, dialect)} MODIFY COLUMN {definition}"
        elif dialect == "mysql":
            sql = f"ALTER TABLE {q(table, dialect)} COMMENT = {lit(text, dialect)}"
        else:
            sql = comment_sql(table, column, text, dialect)
        steps.append(Step(f"注释改为“{one_line(text)}”", [sql], where))
    return steps


def _kind_order(c: exp.Constraint) -> int:
    """Keys before the checks and foreign keys that may need them."""
    kind = c.expressions[0]
    return (
        0
        if isinstance(kind, exp.PrimaryKey | exp.UniqueColumnConstraint)
        else 1 + isinstance(kind, exp.ForeignKey)
    )


def _constraint_words(c: exp.Constraint) -> str:
    kind = c.expressions[0]
    if isinstance(kind, exp.ForeignKey):
        return "外键"
    if isinstance(kind, exp.PrimaryKey):
        return "主键"
    if isinstance(kind, exp.UniqueColumnConstraint):
        return "唯一约束"
    return "检查约束"


def _constraint_place(plan: Plan, table: str, c: exp.Constraint) -> str:
    """A constraint on one column is located at that field, else at the record."""
    kind = c.expressions[0]
    if isinstance(kind, exp.ForeignKey | exp.PrimaryKey):
        cols = [i.name for i in kind.expressions]
    elif isinstance(kind, exp.UniqueColumnConstraint):
        cols = [i.name for i in kind.this.expressions]
    else:
        cols = sorted({col.name for col in kind.find_all(exp.Column)})
    if len(cols) == 1:
        return plan.places.column(table, cols[0])
    return plan.places.table(table)


# ── PostgreSQL and MySQL: ALTER TABLE in place ──────────────────────────────
def in_place(plan: Plan, dialect: str, default_of) -> list[Step]:
    drops, keys, checks, columns, rows, created, dropped, comments = ([] for _ in range(8))
    for table in plan.kept:
        old, new = plan.old[table], plan.new[table]
        t = q(table, dialect)
        drop, add = plan.changed_constraints(table)
        for name in drop:
            c = old.constraints[name]
            sql = f"ALTER TABLE {t} {_drop_clause(c, name, dialect)}"
            what = f"删除{_constraint_words(c)} {name}" + (
                "（随后按新定义重建）" if name in add else ""
            )
            drops.append((_kind_order(c), Step(what, [sql], _constraint_place(plan, table, c))))
        for action, column, step in column_steps(plan, table, default_of):
            step.sql = _column_sql(action, table, column, plan, dialect, default_of)
            columns.append(step)
        if new.rows is not None:
            rows += row_steps(plan, table, dialect)
        for name in add:
            c = new.constraints[name]
            sql = f"ALTER TABLE {t} ADD {c.sql(dialect)}"
            what = f"新增{_constraint_words(c)} {name}：已有行不满足时本步失败、整个迁移回滚"
            step = Step(what, [sql], _constraint_place(plan, table, c))
            (keys if _kind_order(c) == 0 else checks).append((_kind_order(c), step))
        comments += comment_steps(plan, table, dialect)
    for table in reversed(plan.removed):
        destructive = plan.old[table].rows is None  # a code list is the standard's, not data
        what = "删除表：表中数据将丢失" if destructive else "删除不再使用的代码表"
        sql = f"DROP TABLE {q(table, dialect)}"
        dropped.append(Step(what, [sql], plan.places.table(table), destructive, plan.about(table)))
    for table in plan.added:
        created.append(_create_step(plan, table, dialect))
    ordered = [s for _, s in sorted(drops, key=lambda p: -p[0])]
    ordered += dropped + columns + rows + [s for _, s in keys] + created
    ordered += [s for _, s in sorted(checks, key=lambda p: p[0])] + comments
    return ordered


def _drop_clause(c: exp.Constraint, name: str, dialect: str) -> str:
    kind = c.expressions[0]
    if dialect == "mysql" and isinstance(kind, exp.PrimaryKey):
        return "DROP PRIMARY KEY"
    if dialect == "mysql" and isinstance(kind, exp.ForeignKey):
        return f"DROP FOREIGN KEY {q(name, dialect)}"
    if dialect == "mysql" and isinstance(kind, exp.UniqueColumnConstraint):
        return f"DROP INDEX {q(name, dialect)}"
    return f"DROP CONSTRAINT {q(name, dialect)}"


def _create_step(plan: Plan, table: str, dialect: str) -> Step:
    kind = "代码表" if plan.new[table].rows is not None else "表"
    sql = [s.sql(dialect=dialect, pretty=True) for s in plan.new[table].statements]
    return Step(f"新建{kind}", sql, plan.places.table(table), notes=plan.about(table))


def _column_sql(
    action: str, table: str, column: str, plan: Plan, dialect: str, default_of
) -> list[str]:
    t, c = q(table, dialect), q(column, dialect)
    new = plan.new[table]
    if action == "drop":
        return [f"ALTER TABLE {t} DROP COLUMN {c}"]
    definition = new.columns.get(column)
    type_sql = new.column_type(column).sql(dialect)
    if dialect == "mysql" and action != "add":
        return [f"ALTER TABLE {t} MODIFY COLUMN {definition.sql(dialect)}"]
    if action == "type":
        return [f"ALTER TABLE {t} ALTER COLUMN {c} TYPE {type_sql} USING CAST({c} AS {type_sql})"]
    if action == "null":
        return [
            f"ALTER TABLE {t} ALTER COLUMN {c} {'SET' if new.not_null(column) else 'DROP'} NOT NULL"
        ]
    default = default_of(table, column)
    comment = ""
    if dialect == "mysql" and column in new.comments:
        comment = f" COMMENT {lit(new.comments[column], dialect)}"
    if not new.not_null(column):
        return [f"ALTER TABLE {t} ADD COLUMN {c} {type_sql}{comment}"]
    if default is not None:
        add = f"ALTER TABLE {t} ADD COLUMN {c} {type_sql} NOT NULL DEFAULT {lit(default, dialect)}{comment}"
        if dialect == "mysql":
            return [add, f"ALTER TABLE {t} ALTER COLUMN {c} DROP DEFAULT"]
        return [add, f"ALTER TABLE {t} ALTER COLUMN {c} DROP DEFAULT"]
    if dialect == "mysql":
        return [f"ALTER TABLE {t} ADD COLUMN {c} {type_sql} NOT NULL{comment}"]
    return [f"ALTER TABLE {t} ADD COLUMN {c} {type_sql}",
            f"ALTER TABLE {t} ALTER COLUMN {c} SET NOT NULL"]  # fmt: skip


# ── DuckDB: rebuild what changed shape ──────────────────────────────────────
def rebuilt(plan: Plan) -> list[str]:
    """Tables whose definition changed, and every table whose foreign keys point at one
    (DuckDB refuses to drop a table something still references)."""
    out = {t for t in plan.kept if plan.structure_changed(t)}
    while True:
        more = {t for t in plan.kept if t not in out and
                (plan.old[t].references() | plan.new[t].references()) & (out | set(plan.removed))}  # fmt: skip
        if not more:
            return [t for t in plan.kept if t in out]
        out |= more


def rebuild(plan: Plan, default_of) -> list[Step]:
    dialect = "duckdb"
    again = rebuilt(plan)
    steps: list[Step] = []
    for table in reversed(list(plan.old)):
        t = q(table, dialect)
        if table in again:
            copy = q(OLD_COPY + table, dialect)
            sql = [f"CREATE TEMP TABLE {copy} AS SELECT * FROM {t}", f"DROP TABLE {t}"]
            steps.append(Step("表定义改变：先复制已有行，删表后按新定义重建", sql,
                              plan.places.table(table), notes=plan.about(table)))  # fmt: skip
        elif table in plan.removed:
            destructive = plan.old[table].rows is None
            what = "删除表：表中数据将丢失" if destructive else "删除不再使用的代码表"
            steps.append(Step(what, [f"DROP TABLE {t}"], plan.places.table(table), destructive,
                              plan.about(table)))  # fmt: skip
    for table in plan.kept:
        if table not in again and plan.new[table].rows is not None:
            steps += row_steps(plan, table, dialect)
    for table in plan.new:
        if table in plan.added:
            steps.append(_create_step(plan, table, dialect))
        elif table in again:
            steps += _refill(plan, table, default_of)
        else:
            steps += comment_steps(plan, table, dialect)
    return steps


def _refill(plan: Plan, table: str, default_of) -> list[Step]:
    dialect = "duckdb"
    old, new = plan.old[table], plan.new[table]
    t, copy = q(table, dialect), q(OLD_COPY + table, dialect)
    steps = [s for _, _, s in column_steps(plan, table, default_of)]  # what happens to each column
    for s in steps:
        s.what = "（重建时）" + s.what
    statements = [s.sql(dialect=dialect, pretty=True) for s in new.statements
                  if not isinstance(s, exp.Insert)]  # fmt: skip
    if new.rows is not None:  # a code list: the new release's rows
        statements += [s.sql(dialect=dialect) for s in new.statements if isinstance(s, exp.Insert)]
        gone = [c for c in old.rows or {} if c not in new.rows]
        for c in gone:
            what = f"删除代码 {c} {_title(old.rows[c])}：仍引用它的行使重建失败、整个迁移回滚"
            steps.append(Step(what, [], plan.places.table(table), destructive=True))
    else:
        names, values = [], []
        for c in new.columns:
            if c in old.columns:
                value = q(c, dialect)
                if old.column_type(c) != new.column_type(c):
                    value = f"CAST({value} AS {new.column_type(c).sql(dialect)})"
            else:
                value = lit(default_of(table, c) if new.not_null(c) else None, dialect)
            names.append(q(c, dialect))
            values.append(value)
        statements.append(
            f"INSERT INTO {t} ({', '.join(names)}) SELECT {', '.join(values)} FROM {copy}"
        )
    statements.append(f"DROP TABLE {copy}")
    steps.append(Step("按新定义重建并填回已有行", statements, plan.places.table(table)))
    return steps


# ── entry point ──────────────────────────────────────────────────────────────
def build_migration(
    comparison, keys: list[str], dialect: str, allow_destructive: bool
) -> Migration:
    old_catalog, new_catalog = comparison.old, comparison.new
    for key in keys:
        if key not in old_catalog.records and key not in new_catalog.records:
            known = sorted(set(old_catalog.records) | set(new_catalog.records))
            raise InfostdError(f"没有记录“{key}”（可选：{'、'.join(known)}）")
    old_name = comparison.old_ref or "（空）"
    new_name = comparison.new_ref or "工作区"
    old = tables_of(catalog_ddl(old_catalog, keys, dialect, old_name))
    new = tables_of(catalog_ddl(new_catalog, keys, dialect, new_name))
    notes: dict[tuple[str, str | None], list[str]] = {}
    for change in comparison.changes:
        if change.schema is not None:
            notes.setdefault((change.schema, change.field), []).append(
                f"标准变更：{change.message}"
            )
    plan = Plan(old, new, Places(old_catalog, new_catalog), notes)

    def default_of(table: str, column: str) -> Any:
        schema = new_catalog.records.get(table)
        f = schema.field_by_key.get(column) if schema else None
        return f.default if f is not None else None

    steps = (
        rebuild(plan, default_of) if dialect == "duckdb" else in_place(plan, dialect, default_of)
    )
    header = [
        f"infostd 迁移脚本（{dialect}）：{old_name} → {new_name}，"
        f"标准变更级别：{comparison.bump}。",
        "由 infostd sql migrate 生成，适用于按 infostd sql ddl 在旧版本建的表；"
        "执行后表结构与新版本的 sql ddl 相同。",
    ]
    if dialect == "mysql":
        header.append("MySQL 的 DDL 不能回滚：中途失败时已执行的语句不会撤销，请先备份。")
    else:
        header.append("整个脚本在一个事务中执行：任何一步失败，数据库保持原样。")
    marked = [s for s in steps if s.destructive]
    if marked and not allow_destructive:
        listed = "；".join(f"{s.where}：{s.what}" for s in marked)
        raise DestructiveRefused(
            f"迁移含 {len(marked)} 个破坏性步骤，未生成（确认后加 --allow-destructive）：{listed}"
        )
    if marked:
        header.append(
            f"含 {len(marked)} 个破坏性步骤（已用 --allow-destructive 确认），标有【破坏性】。"
        )
    return Migration(dialect, steps, header)
