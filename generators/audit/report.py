"""Audit reports: JSON for scripts, text for the terminal, an HTML page a
department head can read (summary first, static SVG charts, no scripts), and
an xlsx workbook with the same tables. All built from one ``report_data``."""

from __future__ import annotations

import datetime as dt
import io
import json
from pathlib import Path
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape

from ..errors import InfostdError
from ..fsutil import atomic_write_bytes, atomic_write_text
from ..model import display_path
from ..textsafe import shown
from . import AuditResult

FIXED_TIME = dt.datetime(2000, 1, 1)  # xlsx properties: same data, same bytes


def _r(x: float | None) -> float | None:
    return None if x is None else round(x, 3)


def report_data(result: AuditResult) -> dict[str, Any]:
    """The whole audit as plain data: the JSON report and the source of the others."""
    ledgers = []
    for ledger in result.ledgers:
        table, mapping = ledger.table, ledger.mapping
        ledgers.append(
            {
                "name": ledger.name,
                "path": display_path(table.path),
                "sheet": table.sheet,
                "record": mapping.record,
                "header_row": table.header_row,
                "rows": len(table.rows),
                "skipped": [{"row": n, "reason": why} for n, why in table.skipped],
                "scores": {
                    "completeness": _r(ledger.completeness),
                    "accuracy": _r(ledger.accuracy),
                    "uniqueness": _r(ledger.uniqueness),
                    "overall": _r(ledger.score),
                },
                "columns": [
                    {
                        "column": column,
                        "field": key,
                        "confidence": next(
                            (p.confidence for p in mapping.proposals if p.column == column), None
                        ),
                        "reason": next(
                            (p.reason for p in mapping.proposals if p.column == column),
                            "映射文件（已核对）",
                        ),
                    }
                    for column, key in mapping.columns.items()
                ],
                "value_mappings": {
                    key: [
                        {
                            "value": value,
                            "code": code,
                            **next(
                                (
                                    {
                                        "confidence": p.confidence,
                                        "reason": p.reason,
                                        "count": p.count,
                                    }
                                    for p in mapping.value_proposals.get(key, [])
                                    if p.value == value
                                ),
                                {"confidence": None, "reason": "映射文件（已核对）", "count": None},
                            ),
                        }
                        for value, code in table_.items()
                    ]
                    for key, table_ in mapping.values.items()
                },
                "fields": [
                    {
                        "field": f.key,
                        "title": f.title,
                        "column": f.column,
                        "required": f.required,
                        "fill_rate": _r(f.fill_rate),
                        "distinct": f.distinct,
                        "pass_rate": _r(f.pass_rate),
                        "top_failures": [
                            {"value": v, "count": n, "reason": why} for v, n, why in f.failures
                        ],
                    }
                    for f in ledger.fields
                ],
                "duplicates": [
                    {"field": d.field, "value": d.value, "rows": d.rows} for d in ledger.duplicates
                ],
            }
        )
    conflicts = [
        {
            "entity": c.entity,
            "matched_by": c.matched_by,
            "field": c.field,
            "title": c.title,
            "values": [{"ledger": n, "row": r, "value": v} for n, r, v in c.values],
        }
        for c in result.conflicts
    ]
    return {"ledgers": ledgers, "conflicts": conflicts, "notes": result.notes}


def render_json(result: AuditResult) -> str:
    return json.dumps(report_data(result), ensure_ascii=False, indent=2) + "\n"


def _pct(x: float | None) -> str:
    return "—" if x is None else f"{x * 100:.0f}%"


def render_text(result: AuditResult) -> str:
    data = report_data(result)
    lines = []
    for ledger in data["ledgers"]:
        s = ledger["scores"]
        lines.append(
            f"{ledger['name']} → {ledger['record']}：{ledger['rows']} 行，"
            f"综合 {_pct(s['overall'])}（完整性 {_pct(s['completeness'])}，"
            f"准确性 {_pct(s['accuracy'])}，唯一性 {_pct(s['uniqueness'])}）"
        )
        for col in ledger["columns"]:
            target = col["field"] or "（不迁移）"
            conf = "" if col["confidence"] is None else f" [{col['confidence']:.2f}]"
            lines.append(f"  列 {col['column']} → {target}{conf} {col['reason']}")
        for f in ledger["fields"]:
            for fail in f["top_failures"]:
                lines.append(f"  {f['title']}：“{fail['value']}” ×{fail['count']} {fail['reason']}")
        for d in ledger["duplicates"]:
            rows = "、".join(str(r) for r in d["rows"])
            lines.append(f"  重复：{d['field']}“{d['value']}” 第 {rows} 行")
    if data["conflicts"]:
        lines.append(f"跨台账不一致：{len(data['conflicts'])} 处")
        for c in data["conflicts"]:
            side = "；".join(f"{v['ledger']} 第 {v['row']} 行：{v['value']}" for v in c["values"])
            lines.append(f"  {c['entity']} 的{c['title']}：{side}")
    lines += [f"注意：{n}" for n in data["notes"]]
    return "".join(shown(line) + "\n" for line in lines)  # one line each, data escaped


_env = Environment(
    loader=PackageLoader("generators.audit", "templates"),
    autoescape=select_autoescape(["html", "j2"], default=True),
    trim_blocks=True,
    lstrip_blocks=True,
)
_env.filters["pct"] = _pct


def render_html(result: AuditResult) -> str:
    data = report_data(result)
    by_entity: dict[str, dict[str, Any]] = {}
    for c in data["conflicts"]:
        group = by_entity.setdefault(c["entity"], {"matched_by": c["matched_by"], "fields": []})
        group["fields"].append(c)
    charts = {
        "ledgers": [(x["name"], x["scores"]["overall"]) for x in data["ledgers"]],
        "fields": [
            [(f["title"], f["pass_rate"]) for f in x["fields"] if f["column"]]
            for x in data["ledgers"]
        ],
    }
    return _env.get_template("report.html.j2").render(
        data=data, conflicts_by_entity=by_entity, charts=charts
    )


def typed_write(ws, row: int, col: int, value: Any, fmt=None) -> None:
    """One cell by its Python type. Never XlsxWriter's ``write()``: it turns a string
    starting with ``=`` into a live formula and ``http://…`` into a hyperlink."""
    if value is None:
        ws.write_blank(row, col, None, fmt)
    elif isinstance(value, bool):
        ws.write_boolean(row, col, value, fmt)
    elif isinstance(value, int | float):
        ws.write_number(row, col, value, fmt)
    else:
        ws.write_string(row, col, str(value), fmt)


def render_xlsx(result: AuditResult) -> bytes:
    import xlsxwriter

    data = report_data(result)
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_formulas": False,
                                        "strings_to_urls": False})  # fmt: skip
    book.set_properties({"title": "台账现状诊断报告", "created": FIXED_TIME})
    bold = book.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1})
    pct = book.add_format({"num_format": "0%"})

    def sheet(name: str, header: list[str], rows: list[list[Any]], pct_cols=()) -> None:
        ws = book.add_worksheet(name)
        ws.write_row(0, 0, header, bold)
        for r, row in enumerate(rows, 1):
            for c, value in enumerate(row):
                typed_write(ws, r, c, value, pct if c in pct_cols and value is not None else None)
        ws.freeze_panes(1, 0)
        ws.set_column(0, len(header) - 1, 18)

    L = data["ledgers"]
    sheet(
        "概览",
        ["台账", "记录", "数据行", "综合得分", "完整性", "准确性", "唯一性", "重复组", "跳过的行"],
        [
            [
                x["name"],
                x["record"],
                x["rows"],
                x["scores"]["overall"],
                x["scores"]["completeness"],
                x["scores"]["accuracy"],
                x["scores"]["uniqueness"],
                len(x["duplicates"]),
                len(x["skipped"]),
            ]
            for x in L
        ],
        pct_cols=(3, 4, 5, 6),
    )
    sheet(
        "字段",
        ["台账", "字段", "字段名", "台账列", "必填", "填充率", "不同取值", "合格率", "主要问题"],
        [
            [
                x["name"],
                f["field"],
                f["title"],
                f["column"] or "",
                "是" if f["required"] else "",
                f["fill_rate"],
                f["distinct"],
                f["pass_rate"],
                "；".join(f"“{t['value']}”×{t['count']} {t['reason']}" for t in f["top_failures"]),
            ]
            for x in L
            for f in x["fields"]
        ],
        pct_cols=(5, 7),
    )
    sheet(
        "列映射",
        ["台账", "台账列", "字段", "置信度", "理由"],
        [
            [x["name"], c["column"], c["field"] or "", c["confidence"], c["reason"]]
            for x in L
            for c in x["columns"]
        ],
    )
    sheet(
        "值映射",
        ["台账", "字段", "台账取值", "代码", "置信度", "行数", "理由"],
        [
            [x["name"], key, v["value"], v["code"] or "", v["confidence"], v["count"], v["reason"]]
            for x in L
            for key, vs in x["value_mappings"].items()
            for v in vs
        ],
    )
    sheet(
        "跨台账不一致",
        ["实体", "匹配依据", "字段", "台账", "行", "取值"],
        [
            [c["entity"], c["matched_by"], c["title"], v["ledger"], v["row"], v["value"]]
            for c in data["conflicts"]
            for v in c["values"]
        ],
    )
    sheet(
        "重复",
        ["台账", "字段", "取值", "行"],
        [
            [x["name"], d["field"], d["value"], "、".join(map(str, d["rows"]))]
            for x in L
            for d in x["duplicates"]
        ],
    )
    sheet(
        "跳过的行",
        ["台账", "行", "原因"],
        [[x["name"], s["row"], s["reason"]] for x in L for s in x["skipped"]],
    )
    book.close()
    return buffer.getvalue()


def write_report(result: AuditResult, out: Path) -> None:
    """Write the report in the format the file name asks for (.html, .xlsx, .json)."""
    suffix = out.suffix.lower()
    if suffix in (".html", ".htm"):
        atomic_write_text(out, render_html(result))
    elif suffix == ".xlsx":
        atomic_write_bytes(out, render_xlsx(result))
    elif suffix == ".json":
        atomic_write_text(out, render_json(result))
    else:
        raise InfostdError(f"{display_path(out)}: 报告格式须为 .html、.xlsx 或 .json")
