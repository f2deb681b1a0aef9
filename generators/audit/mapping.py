"""Which ledger column is which standard field, and which ledger value is which
code: proposals with a confidence and a reason, and the human-editable YAML
mapping file that ``--mapping`` reuses after review.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from ..errors import InfostdError
from ..formats import FORMAT_CHECKERS
from ..limits import yaml_load
from ..model import Catalog, CodeEntry, CodeList, Field, Schema, display_path
from ..patterns import alternatives_words
from ..textsafe import shown
from ..validate.cells import alternative_ok
from .ledger import LedgerTable, normalise_header

PROPOSE_AT = 0.5  # below this a column is left unmapped (the reviewer decides)
SAMPLE = 500  # values looked at per column for value evidence
DISTINCT_SAMPLE = 100  # distinct values looked up in a code list per column
STRONG_FORMATS = {"cn-uscc": 0.95, "cn-resident-id": 0.95, "cn-mobile": 0.85, "email": 0.8}
FORMAT_NAMES = {
    "cn-uscc": "统一社会信用代码（校验位正确）",
    "cn-resident-id": "居民身份证号（校验位正确）",
    "cn-mobile": "手机号",
    "email": "电子邮箱",
    "date": "日期格式",
    "date-time": "日期时间格式",
}


# Unit words in a header and the factor to the standard's unit (元): 授信额度（万元）.
UNIT_SCALES = {"亿元": 100_000_000, "百万元": 1_000_000, "万元": 10_000, "千元": 1_000}
CODE_MISFIT = 0.3  # a header naming a code field whose values are not its codes


class MappingError(InfostdError):
    """A mapping file that cannot be used (exit 2)."""


@dataclass
class Proposal:
    column: str
    field: str | None
    confidence: float
    reason: str


@dataclass
class ValueProposal:
    value: str
    code: str | None
    confidence: float
    reason: str
    count: int = 0


@dataclass
class LedgerMapping:
    """The mapping of one ledger table onto one record."""

    file: str  # file name, as written in the mapping file
    sheet: str | None
    record: str
    columns: dict[str, str | None]  # ledger column → field key (None: not migrated)
    values: dict[str, dict[str, str | None]] = field(default_factory=dict)  # field → value → code
    scales: dict[str, int] = field(default_factory=dict)  # field → factor (万元 → 元: 10000)
    proposals: list[Proposal] = field(default_factory=list)
    value_proposals: dict[str, list[ValueProposal]] = field(default_factory=dict)
    reviewed: bool = False  # True when read from a mapping file

    def field_column(self) -> dict[str, str]:
        return {f: c for c, f in self.columns.items() if f}

    def matches(self, table: LedgerTable) -> bool:
        return self.file == table.path.name and (self.sheet in (None, table.sheet))


# ── column proposals ───────────────────────────────────────────────────────


def field_names(f: Field) -> list[tuple[str, str]]:
    """The names a column header may use for a field, with what kind of name it is."""
    return [(f.title, "标题")] + [(a, "别名") for a in f.aliases] + [(f.key, "键")]


def known_headers(catalog: Catalog) -> list[str]:
    """Every field title, alias and key: header detection looks for them."""
    return [n for s in catalog.records.values() for f in s.fields for n, _ in field_names(f)]


def _header_evidence(header: str, f: Field) -> tuple[float, str] | None:
    norm = normalise_header(header)
    if not norm:
        return None
    best: tuple[float, str] | None = None
    for name, kind in field_names(f):
        other = normalise_header(name)
        if not other:
            continue
        if norm == other:
            score = {"标题": 1.0, "别名": 0.95, "键": 0.9}[kind]
            reason = f"表头“{header}”与字段{kind}“{name}”一致"
        elif len(other) >= 2 and (other in norm or norm in other) and len(norm) >= 2:
            score, reason = 0.7, f"表头“{header}”与字段{kind}“{name}”部分一致"
        else:
            ratio = difflib.SequenceMatcher(None, norm, other).ratio()
            if ratio < 0.6:
                continue
            score, reason = round(0.6 * ratio, 2), f"表头“{header}”与字段{kind}“{name}”相近"
        if best is None or score > best[0]:
            best = (score, reason)
    return best


@dataclass
class _CodeIndex:
    """A code list's names, normalised once (ledgers repeat the lookups many times)."""

    aliases: dict[str, CodeEntry]
    titles: dict[str, CodeEntry]
    found: dict[str, ValueProposal] = field(default_factory=dict)  # memo of value_code


_indexes: dict[int, tuple[CodeList, _CodeIndex]] = {}


def _index(codelist: CodeList) -> _CodeIndex:
    cached = _indexes.get(id(codelist))
    if cached is None or cached[0] is not codelist:
        aliases = {normalise_header(a): e for e in codelist.entries for a in e.aliases}
        titles = {normalise_header(e.title): e for e in codelist.entries if e.title}
        cached = _indexes[id(codelist)] = (codelist, _CodeIndex(aliases, titles))
    return cached[1]


def value_code(codelist: CodeList, text: str) -> ValueProposal:
    """The code a ledger value most likely means, with how sure and why."""
    memo = _index(codelist).found
    if text not in memo:
        memo[text] = _value_code(codelist, text)
    p = memo[text]
    return ValueProposal(p.value, p.code, p.confidence, p.reason)


def _value_code(codelist: CodeList, text: str) -> ValueProposal:
    code = codelist.normalise(text)
    if code is not None:
        return ValueProposal(text, code, 1.0, "代码或名称一致")
    index = _index(codelist)
    norm = normalise_header(text)
    if norm in index.aliases:
        entry = index.aliases[norm]
        return ValueProposal(text, entry.code, 0.95, f"代码表中“{entry.label}”的别名")
    if norm:
        for title, entry in index.titles.items():
            if norm in title or title in norm:
                return ValueProposal(text, entry.code, 0.7, f"与“{entry.label}”部分一致")
    close = difflib.get_close_matches(norm, list(index.titles), n=1, cutoff=0.5)
    if close:
        entry = index.titles[close[0]]
        return ValueProposal(text, entry.code, 0.5, f"与“{entry.label}”相近，请核对")
    return ValueProposal(text, None, 0.0, f"代码表“{codelist.title}”中无对应代码，请人工填写")


def _enum_codelist(f: Field) -> CodeList | None:
    if not f.enum:
        return None
    return CodeList(f.key, f.title, [CodeEntry(str(v), str(v)) for v in f.enum])


def field_codelist(catalog: Catalog, f: Field) -> CodeList | None:
    if f.codelist:
        return catalog.codelists.get(f.codelist)
    return _enum_codelist(f)


def _share(values: list[str], passes) -> float:
    return sum(1 for v in values if passes(v)) / len(values) if values else 0.0


def _value_evidence(catalog: Catalog, f: Field, values: list[str]) -> tuple[float, float, str]:
    """(confidence on values alone, share passing, what was checked). A confidence of
    0 means the values say nothing on their own (dates, numbers, free text)."""
    if not values:
        return 0.0, 0.0, ""
    if f.format in FORMAT_CHECKERS:
        check = FORMAT_CHECKERS[f.format]
        share = _share(values, lambda v: check(v) is None)
        name = FORMAT_NAMES.get(f.format, f.format)
        return (STRONG_FORMATS.get(f.format, 0.0) if share >= 0.8 else 0.0), share, name
    if f.alternatives:  # anyOf: a value fitting one of the alternatives counts
        share = _share(values, lambda v: any(alternative_ok(a, v) for a in f.alternatives))
        return (0.85 if share >= 0.8 else 0.0), share, alternatives_words(f.alternatives)
    codelist = field_codelist(catalog, f)
    if codelist is not None:
        distinct = list(dict.fromkeys(values))
        repeats = len(distinct) < len(values)
        found = [value_code(codelist, v) for v in distinct[:DISTINCT_SAMPLE]]
        share = _share(found, lambda p: p.confidence >= 0.7)
        # A serial-number column (1, 2, 3 …) looks like short codes: values alone
        # identify a coded column only when they repeat or are names, not bare codes.
        named = any(p.confidence >= 0.7 and p.value not in codelist.by_code for p in found)
        alone = 0.8 if share >= 0.8 and len(distinct) > 1 and (repeats or named) else 0.0
        return alone, share, f"代码表“{codelist.title}”"
    regex = None
    if f.code_rule is not None:
        regex = f.code_rule.regex(catalog.codelists)
    elif f.pattern:
        regex = f.pattern
    if regex:
        share = _share(values, lambda v: re.search(regex, v) is not None)
        return (0.85 if share >= 0.8 else 0.0), share, "编码规则"
    return 0.0, 0.0, ""


def _candidates(catalog: Catalog, record: Schema, table: LedgerTable) -> list[Proposal]:
    found = []
    for index, column in enumerate(table.columns):
        values = [v for v in table.column_texts(index) if v][:SAMPLE]
        for f in record.fields:
            header = _header_evidence(column, f)
            by_values, share, checked = _value_evidence(catalog, f, values)
            if header is None and by_values == 0.0:
                continue
            if header is not None:
                score, reason = header
                if checked and values:
                    if share >= 0.8:
                        score = 1 - (1 - score) * 0.5
                        reason += f"，{share:.0%} 的值符合{checked}"
                    elif share < 0.5 and field_codelist(catalog, f) is not None:
                        # values are the evidence that counts for a code field: VIP/一般
                        # under 客户类型 are value grades, not legal forms
                        score = min(score, CODE_MISFIT)
                        reason += f"，但只有 {share:.0%} 的值是{checked}中的代码，不建议对应"
                    elif share < 0.5:
                        score *= 0.7
                        reason += f"，但只有 {share:.0%} 的值符合{checked}"
            else:
                score, reason = by_values, f"{share:.0%} 的值符合{checked}"
            found.append(Proposal(column, f.key, round(min(score, 0.99), 2), reason))
    return found


def propose_columns(catalog: Catalog, record: Schema, table: LedgerTable) -> list[Proposal]:
    """One proposal per ledger column; each field is given to at most one column,
    the most certain first."""
    chosen: dict[str, Proposal] = {}
    taken: set[str] = set()
    candidates = sorted(
        _candidates(catalog, record, table),
        key=lambda p: (-p.confidence, table.columns.index(p.column)),
    )
    best_rejected: dict[str, Proposal] = {}
    for p in candidates:
        if p.column in chosen:
            continue
        if p.field in taken or p.confidence < PROPOSE_AT:
            best_rejected.setdefault(p.column, p)
            continue
        chosen[p.column] = p
        taken.add(p.field)
    out = []
    for column in table.columns:
        if column in chosen:
            out.append(chosen[column])
        elif column in best_rejected:
            r = best_rejected[column]
            why = "该字段已对应其他列" if r.field in taken else "把握不足"
            out.append(
                Proposal(column, None, r.confidence, f"可能是“{r.field}”（{r.reason}），但{why}")
            )
        else:
            out.append(Proposal(column, None, 0.0, "标准中没有对应字段"))
    return out


def propose_values(
    catalog: Catalog, record: Schema, table: LedgerTable, columns: dict[str, str | None]
) -> dict[str, list[ValueProposal]]:
    """For each coded field: the ledger values that are not already codes or names,
    with the code they most likely mean."""
    out: dict[str, list[ValueProposal]] = {}
    for index, column in enumerate(table.columns):
        key = columns.get(column)
        f = record.field_by_key.get(key) if key else None
        codelist = field_codelist(catalog, f) if f else None
        if codelist is None:
            continue
        counts: dict[str, int] = {}
        for text in table.column_texts(index):
            if text:
                counts[text] = counts.get(text, 0) + 1
        proposals = []
        for text, count in counts.items():
            p = value_code(codelist, text)
            if p.confidence < 1.0:
                p.count = count
                proposals.append(p)
        if proposals:
            out[key] = sorted(proposals, key=lambda p: -p.count)
    return out


def propose(
    catalog: Catalog, table: LedgerTable, record: str | None = None
) -> LedgerMapping | None:
    """The mapping of a table onto the given record, or onto the record it fits
    best; None when no record fits (fewer than two columns recognised)."""
    keys = [record] if record else list(catalog.records)
    best: tuple[float, LedgerMapping] | None = None
    for key in keys:
        schema = catalog.records[key]
        proposals = propose_columns(catalog, schema, table)
        mapped = [p for p in proposals if p.field]
        score = sum(p.confidence for p in mapped)
        if not record and len(mapped) < 2:
            continue
        columns = {p.column: p.field for p in proposals}
        mapping = LedgerMapping(table.path.name, table.sheet, key, columns, proposals=proposals)
        mapping.scales = propose_scales(schema, proposals)
        mapping.value_proposals = propose_values(catalog, schema, table, columns)
        mapping.values = {
            k: {p.value: p.code for p in ps} for k, ps in mapping.value_proposals.items()
        }
        if best is None or score > best[0]:
            best = (score, mapping)
    return best[1] if best else None


def unit_scale(header: str) -> tuple[str, int] | None:
    """The unit word of a header and its factor to 元 (longest word first)."""
    for word, factor in UNIT_SCALES.items():
        if word in header:
            return word, factor
    return None


def propose_scales(schema: Schema, proposals: list[Proposal]) -> dict[str, int]:
    """A conversion for each number column whose header names a unit (万元, 千元); the
    reason says so on the column's line."""
    scales = {}
    for p in proposals:
        f = schema.field_by_key.get(p.field or "")
        unit = unit_scale(p.column)
        if f is not None and f.type in ("number", "integer") and unit is not None:
            scales[f.key] = unit[1]
            p.reason += f"；表头单位为{unit[0]}，迁移时乘以 {unit[1]} 换算为元"
    return scales


# ── the mapping file ───────────────────────────────────────────────────────

HEADER_COMMENT = """\
# infostd 台账映射文件（由 infostd audit 生成，请核对后保存）
# columns：台账列名 → 标准字段键；写 null 表示该列不迁移。
# values：代码字段的台账取值 → 标准代码；null 表示尚无对应代码（迁移时该行会列出）。
# scales：数值字段的换算倍数（表头单位为万元时 10000），迁移时台账数值乘以该倍数。
# 注释中的数字是置信度（0–1）及理由，仅供核对。
"""


def _scalar(value: Any) -> str:
    """One YAML scalar on one line, written by the serializer: plain or single-quoted
    when that fits on a line, else double-quoted with escapes (a header "联系\\n电话", a
    value with a line separator). Never a template: "a: b", "#", "&a", "!!tag" stay text."""
    options: dict[str, Any] = {"allow_unicode": True, "width": float("inf")}
    text = yaml.safe_dump(value, default_flow_style=True, **options)
    text = text.removesuffix("\n").removesuffix("\n...").removesuffix("...").strip()
    if "\n" in text or not text or (isinstance(value, str) and not value.isprintable()):
        text = yaml.safe_dump(value, default_style='"', **options).strip()
    return text


def _comment(text: str) -> str:
    """A reason as one comment line: line breaks folded, control characters escaped."""
    return shown(" ".join(str(text).split()))


def dump_mappings(mappings: list[LedgerMapping]) -> str:
    """The mapping file: YAML with the confidence and reason of each line as comments."""
    lines = [HEADER_COMMENT.rstrip("\n"), "ledgers:"]
    for m in mappings:
        lines.append(f"  - file: {_scalar(m.file)}")
        lines.append(f"    sheet: {_scalar(m.sheet)}")
        lines.append(f"    record: {_scalar(m.record)}")
        lines.append("    columns:")
        reasons = {p.column: p for p in m.proposals}
        for column, key in m.columns.items():
            line = f"      {_scalar(column)}: {_scalar(key)}"
            p = reasons.get(column)
            if p is not None:
                line += f"  # {p.confidence:.2f} {_comment(p.reason)}"
            lines.append(line)
        if m.scales:
            lines.append("    scales:")
            for key, factor in m.scales.items():
                lines.append(f"      {_scalar(key)}: {factor}")
        if m.values:
            lines.append("    values:")
            for key, table in m.values.items():
                lines.append(f"      {_scalar(key)}:")
                why = {p.value: p for p in m.value_proposals.get(key, [])}
                for value, code in table.items():
                    line = f"        {_scalar(value)}: {_scalar(code)}"
                    if value in why:
                        p = why[value]
                        line += f"  # {p.confidence:.2f} {_comment(p.reason)}（{p.count} 行）"
                    lines.append(line)
    return "\n".join(lines) + "\n"


def load_mappings(catalog: Catalog, path: Path) -> list[LedgerMapping]:
    """Read and check a mapping file; every mistake names the file and the entry."""
    where = display_path(path)
    try:
        data = yaml_load(Path(path).read_text(encoding="utf-8"), where)
    except OSError as exc:
        raise MappingError(f"{where}: 无法读取映射文件（{exc.strerror}）") from exc
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f":{mark.line + 1}" if mark else ""
        raise MappingError(f"{where}{line}: 映射文件不是有效的 YAML") from exc
    except UnicodeDecodeError as exc:
        raise MappingError(f"{where}: 映射文件须为 UTF-8 编码") from exc
    if not isinstance(data, dict) or not isinstance(data.get("ledgers"), list):
        raise MappingError(f"{where}: 映射文件须有 ledgers 列表")
    out = []
    for i, entry in enumerate(data["ledgers"], 1):
        out.append(_read_entry(catalog, entry, f"{where}: ledgers 第 {i} 项"))
    return out


def _kind(value: Any) -> str:
    return "列表" if isinstance(value, list) else "映射" if isinstance(value, dict) else "该值"


def _read_entry(catalog: Catalog, entry: Any, where: str) -> LedgerMapping:
    if not isinstance(entry, dict):
        raise MappingError(f"{where}: 须为映射（file、record、columns）")
    file, record, columns = entry.get("file"), entry.get("record"), entry.get("columns")
    if not isinstance(file, str) or not file:
        raise MappingError(f"{where}: 缺少 file（台账文件名）")
    if not isinstance(record, str) or record not in catalog.records:
        known = "、".join(catalog.records)
        raise MappingError(f"{where}: 未知记录“{record}”（可用：{known}）")
    schema = catalog.records[record]
    if not isinstance(columns, dict):
        raise MappingError(f"{where}: columns 须为“台账列名: 字段键”的映射")
    cols: dict[str, str | None] = {}
    for column, key in columns.items():
        if key is not None and not isinstance(key, str):
            raise MappingError(
                f"{where}: 列“{column}”对应的须是一个字段键或 null，不是{_kind(key)}"
            )
        if key is not None and key not in schema.field_by_key:
            hint = difflib.get_close_matches(str(key), list(schema.field_by_key), n=1)
            more = f"，是否为“{hint[0]}”？" if hint else ""
            raise MappingError(f"{where}: 列“{column}”对应的字段“{key}”不在记录 {record} 中{more}")
        cols[str(column)] = key
    doubled = {k for k in cols.values() if k and list(cols.values()).count(k) > 1}
    if doubled:
        raise MappingError(f"{where}: 字段“{'、'.join(sorted(doubled))}”对应了多个列")
    values = entry.get("values") or {}
    if not isinstance(values, dict):
        raise MappingError(f"{where}: values 须为“字段键: {{台账取值: 代码}}”的映射")
    vals: dict[str, dict[str, str | None]] = {}
    for key, table in values.items():
        f = schema.field_by_key.get(key) if isinstance(key, str) else None
        codelist = field_codelist(catalog, f) if f else None
        if codelist is None or not isinstance(table, dict):
            raise MappingError(f"{where}: values 中的“{key}”不是记录 {record} 的代码字段")
        vals[key] = {}
        for value, code in table.items():
            if isinstance(code, dict | list):
                raise MappingError(
                    f"{where}: values.{key} 中“{value}”对应的须是一个代码或 null，不是{_kind(code)}"
                )
            code = None if code is None else str(code)
            if code is not None and codelist.normalise(code) is None:
                raise MappingError(
                    f"{where}: values.{key} 中“{value}”对应的代码“{code}”不在代码表“{codelist.title}”中"
                )
            vals[key][str(value)] = codelist.normalise(code) if code is not None else None
    scales = entry.get("scales") or {}
    if not isinstance(scales, dict):
        raise MappingError(f"{where}: scales 须为“字段键: 倍数”的映射")
    for key, factor in scales.items():
        f = schema.field_by_key.get(key)
        if f is None or f.type not in ("number", "integer"):
            raise MappingError(f"{where}: scales 中的“{key}”不是记录 {record} 的数值字段")
        if isinstance(factor, bool) or not isinstance(factor, int) or factor <= 0:
            raise MappingError(f"{where}: scales.{key} 须为正整数（如 10000）")
    sheet = entry.get("sheet")
    return LedgerMapping(
        file, None if sheet is None else str(sheet), record, cols, vals, dict(scales), reviewed=True
    )
