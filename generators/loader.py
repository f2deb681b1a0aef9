"""The one loader: standards/*.md → Catalog, with every problem located.

Reading happens in two passes. The first reads each file on its own (front
matter, ``json schema`` blocks, our meta-schemas); the second checks what
needs the whole set (``$ref`` targets, code lists behind front matter,
foreign keys, examples). All problems are collected, so an author sees every
mistake in one run; ``load_catalog`` raises them together.
"""

from __future__ import annotations

import difflib
import json
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from functools import cached_property
from pathlib import Path
from typing import Any

import yaml
from jsonschema import Draft202012Validator, ValidationError, validators
from jsonschema.exceptions import SchemaError
from markdown_it import MarkdownIt
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from . import searchterms, vocabulary
from .config import Config, load_config
from .errors import ProblemsError
from .formats import format_checker, parse_date
from .glossary import check_terms
from .jsonpos import line_of, syntax_message, value_offsets
from .limits import LIMITS, LimitExceeded, json_depth_line, yaml_load
from .masking import mask_kind, sensitivity
from .model import (
    SCHEMA_SUFFIX,
    Alternative,
    Catalog,
    CodeEntry,
    CodeList,
    CodeRule,
    Field,
    ForeignKey,
    Location,
    Rule,
    Schema,
    Segment,
    Standard,
    StandardError,
    clean_header,
    field_codelist,
)
from .patterns import alternatives_words
from .requirements import check_register, item_line, read_requirements
from .rules import (
    FROM_SCHEMA,
    RULE_TYPES,
    RuleContext,
    calendar_problems,
    check_rule,
    exempt,
    rule_fields,
    rule_problems,
)

SCHEMA_FENCE = "json schema"
_markdown = MarkdownIt("commonmark")


_CODE_SPAN = re.compile(r"(`+)(?:(?!\1).)+?\1")
_SCRIPT_TAG = re.compile(r"<\s*/?\s*script\b", re.I)
_HANDLER = re.compile(r"<[^>]*?[\s/\"']on[a-z]+\s*=", re.I)
_SCRIPT_URL = re.compile(r"(?:java|vb)script:|data:text/html", re.I)


def active_content(line: str) -> str | None:
    """What in a Markdown line a browser would run: a script element, an on…= event
    handler in a tag, a javascript:/vbscript:/data:text/html URL (entities decoded and
    blanks removed first, as a browser reads an attribute). None when the line is text."""
    import html

    text = _CODE_SPAN.sub("", line)
    if _SCRIPT_TAG.search(text):
        return " <script> 元素"
    if _HANDLER.search(text):
        return "事件处理属性（on…=）"
    if _SCRIPT_URL.search(re.sub(r"[\s\x00-\x1f]", "", html.unescape(text))):
        return " javascript: 等脚本链接"
    return None


class CatalogError(ProblemsError):
    """Every problem found while loading; the CLI prints one per line."""


@dataclass
class _Block:
    """A schema block while it is being read: text kept for locating errors."""

    schema: Schema
    text: str
    first_line: int  # 1-based line of the block's first JSON line

    @cached_property
    def offsets(self) -> dict[tuple[str | int, ...], int]:
        return value_offsets(self.text)

    def at(self, *path: str | int) -> Location:
        """The line of a JSON path inside this block."""
        line = line_of(self.text, path, self.offsets)
        return Location(self.schema.location.path, self.first_line + line)


def load_catalog(
    root: Path | None = None, config: Config | None = None, sources: dict[Path, str] | None = None
) -> Catalog:
    """Load and check every standard under ``root`` (default: the project's standards/).
    ``sources`` replaces the text of some files (absolute paths): an edit is proved by the
    one loader before anything is written (``sheet import``)."""
    config = config or load_config()
    root = Path(root) if root is not None else config.standards
    if not root.is_dir():
        hint = ""
        if not (config.root / "pyproject.toml").is_file():
            hint = "（未找到含 [tool.infostd] 的 pyproject.toml：请在项目目录中运行，或用 --root 指定）"
        raise CatalogError([StandardError(Location(root, 0), "标准目录不存在" + hint)])
    loader = _Loader(root, config.base_url, sources or {})
    return loader.run()


def _generated_pages() -> set[str]:
    """Source paths of the pages the portal generates; a standard may link to them. Imported
    late: the portal's registry is filled by its modules at import time."""
    from .portal import pages, validator  # noqa: F401 - validator registers 在线校验

    return {page.path for page in pages.PAGES}


class _Loader:
    def __init__(self, root: Path, base_url: str, sources: dict[Path, str]):
        self.root = root
        self.base_url = base_url
        self.sources = sources
        self.problems: list[StandardError] = []
        self.blocks: list[_Block] = []
        self.standards: list[Standard] = []

    def problem(self, location: Location, message: str) -> None:
        self.problems.append(StandardError(location, message))

    def run(self) -> Catalog:
        for path in sorted(self.root.rglob("*.md")):
            if not any(part.startswith((".", "_")) for part in path.relative_to(self.root).parts):
                self.read_file(path)
        catalog = Catalog(
            root=self.root,
            base_url=self.base_url,
            standards=self.standards,
            schemas={b.schema.key: b.schema for b in self.blocks},
        )
        if not self.problems:
            self.check_catalog(catalog)
        terms_file = self.root / searchterms.FILE
        catalog.search_terms = searchterms.read_search_terms(
            self.root,
            {s.id for s in self.standards},
            lambda line, message: self.problem(Location(terms_file, line), message),
        )
        if self.problems:
            self.problems.sort(key=lambda p: (str(p.location.path), p.location.line))
            raise CatalogError(self.problems)
        return catalog

    # ── pass 1: one file ────────────────────────────────────────────────────
    def read_file(self, path: Path) -> None:
        try:
            source = self.sources[path] if path in self.sources else path.read_text("utf-8")
        except UnicodeDecodeError as exc:
            self.problem(Location(path, 1), f"文件不是 UTF-8 编码（{exc.reason}）")
            return
        front, body_line = self.read_front_matter(path, source)
        if front is None:
            return
        standard = Standard(
            id=front["id"],
            title=front["title"],
            kind=front["kind"],
            status=front["status"],
            path=path.relative_to(self.root),
            source=source,
            front_matter=front,
            body_line=body_line,
            category=front.get("category"),
            owner=front.get("owner"),
            reviewers=list(front.get("reviewers", [])),
            requirements=read_requirements(front, source, path),
        )
        if other := next((s for s in self.standards if s.id == standard.id), None):
            self.problem(
                self.front_location(path, source, "id"),
                f"标准编号 {standard.id} 重复（已用于 {other.path}）",
            )
        self.standards.append(standard)
        tokens = _markdown.parse(source)
        for token in tokens:
            if token.type == "fence" and token.info.strip() == SCHEMA_FENCE and token.map:
                self.read_block(standard, path, token.content, token.map[0] + 1, token.map[1])
        self.check_links(path, tokens)
        self.check_active_content(path, source, tokens, body_line)
        self.check_kind(standard, path, source)

    def front_location(self, path: Path, source: str, key: str) -> Location:
        for number, line in enumerate(source.splitlines()[:200], start=1):
            if re.match(rf"^{re.escape(key)}\s*:", line):
                return Location(path, number)
        return Location(path, 1)

    def read_front_matter(self, path: Path, source: str) -> tuple[dict | None, int]:
        lines = source.splitlines()
        if not lines or lines[0].strip() != "---":
            self.problem(Location(path, 1), "缺少 YAML 前置信息（文件须以 --- 开头）")
            return None, 1
        end = next((i for i, line in enumerate(lines[1:], start=1) if line.strip() == "---"), None)
        if end is None:
            self.problem(Location(path, 1), "YAML 前置信息没有结束的 ---")
            return None, 1
        try:
            front = yaml_load("\n".join(lines[1:end]), str(path), 2) or {}
        except LimitExceeded as exc:
            self.problem(Location(path, exc.line or 2), "前置信息" + exc.reason)
            return None, 1
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            line = mark.line + 2 if mark else 1
            self.problem(
                Location(path, line), f"YAML 前置信息无法解析：{getattr(exc, 'problem', exc)}"
            )
            return None, 1
        if not isinstance(front, dict):
            self.problem(Location(path, 2), "YAML 前置信息应为“键: 值”的映射")
            return None, 1
        errors = list(Draft202012Validator(vocabulary.FRONT_MATTER).iter_errors(front))
        for error in errors:
            key = str(error.absolute_path[0]) if error.absolute_path else _missing_or_extra(error)
            location = self.front_location(path, source, key) if key else Location(path, 1)
            if key in ("requirements", "terms") and len(error.absolute_path) > 1:  # its own line
                location = Location(path, item_line(source, key, int(error.absolute_path[1])))
            self.problem(location, "前置信息 " + _describe(error))
        return (None if errors else front), end + 2

    def read_block(self, standard: Standard, path: Path, text: str, first: int, last: int) -> None:
        fence = Location(path, first)
        if (deep := json_depth_line(text)) is not None:
            self.problem(
                Location(path, first + deep), f"schema 块超过上限：{LIMITS['json_depth'].what}"
            )
            return
        try:
            raw = json.loads(text)
        except json.JSONDecodeError as exc:
            self.problem(
                Location(path, first + exc.lineno), f"JSON 语法错误，{syntax_message(exc)}"
            )
            return
        if not isinstance(raw, dict):
            self.problem(fence, "schema 块应为 JSON 对象")
            return
        schema_id = raw.get("$id")
        key = schema_id.removesuffix(SCHEMA_SUFFIX) if isinstance(schema_id, str) else ""
        if (
            not key
            or not schema_id.endswith(SCHEMA_SUFFIX)
            or not re.match(vocabulary.KEY_PATTERN, key)
        ):
            self.problem(
                fence, '每个 schema 块须有 "$id": "<键>.schema.json"（键为小写字母、数字和连字符）'
            )
            return
        kind = (
            "codelist"
            if "oneOf" in raw
            else "record"
            if "properties" in raw or raw.get("type") == "object"
            else "other"
        )
        schema = Schema(
            key=key, raw=raw, location=fence, standard_id=standard.id, end_line=last, kind=kind
        )
        block = _Block(schema, text, first + 1)
        if dup := next((b for b in self.blocks if b.schema.key == key), None):
            self.problem(
                block.at("$id"), f"$id {schema_id} 重复（已在 {dup.schema.location} 定义）"
            )
            return
        try:
            Draft202012Validator.check_schema(raw)
        except SchemaError as exc:
            self.problem(block.at(*exc.absolute_path), _schema_error(exc))
            return
        if kind == "other":
            self.problem(
                fence,
                "无法识别的 schema：记录应为 type: object 带 properties，代码表应为 oneOf 列出代码",
            )
            return
        if not self.check_vocabulary(block):
            return
        if kind == "codelist":
            schema.codelist = _read_codelist(schema)
        else:
            _read_record(schema)
        standard.schemas.append(schema)
        self.blocks.append(block)

    def check_vocabulary(self, block: _Block) -> bool:
        raw = block.schema.raw
        before = len(self.problems)
        nested = set()
        if block.schema.kind == "record":
            for key, prop in (raw.get("properties") or {}).items():
                if isinstance(prop, dict) and (
                    prop.get("type") in ("object", "array") or {"properties", "items"} & set(prop)
                ):
                    nested.add(key)
                    self.problem(
                        block.at("properties", key),
                        f"字段 {key} 嵌套了对象或数组：记录须为扁平表（一行一条记录），一对多关系请另建记录并用外键关联",
                    )
        meta = vocabulary.RECORD if block.schema.kind == "record" else vocabulary.CODELIST
        validator = Draft202012Validator(meta, format_checker=Draft202012Validator.FORMAT_CHECKER)
        for error in validator.iter_errors(raw):
            path = list(error.absolute_path)
            if len(path) >= 2 and path[0] == "properties" and path[1] in nested:
                continue
            extra = _missing_or_extra(error)
            where = (
                block.at(*path, extra)
                if error.validator == "additionalProperties"
                else block.at(*path)
            )
            self.problem(where, _describe(error))
        return len(self.problems) == before

    def check_active_content(
        self, path: Path, source: str, tokens: Iterable, body_line: int
    ) -> None:
        """A standard's body is text for the portal: no script, event-handler attribute
        or script URL (the portal passes the author's raw HTML through). Code blocks and
        code spans are shown literally, so they may hold such text."""
        code = {n for t in tokens if t.type in ("fence", "code_block") and t.map
                for n in range(t.map[0] + 1, t.map[1] + 1)}  # fmt: skip
        lines = [
            "" if n < body_line or n in code else _CODE_SPAN.sub("", line)
            for n, line in enumerate(source.splitlines(), start=1)
        ]
        found = {n: reason for n, line in enumerate(lines, 1) if (reason := active_content(line))}
        text = "\n".join(lines)  # a tag may span lines: <img src=x\n onerror=…>
        for match in _HANDLER.finditer(text):
            found.setdefault(text.count("\n", 0, match.end()) + 1, "事件处理属性（on…=）")
        for number, reason in sorted(found.items()):
            self.problem(Location(path, number), f"正文不能包含{reason}（门户会执行它）")

    def check_links(self, path: Path, tokens: Iterable) -> None:
        generated = _generated_pages()
        for token in tokens:
            for child in token.children or []:
                href = child.attrGet("href") if child.type == "link_open" else None
                if not href or re.match(r"^[a-z][a-z0-9+.-]*:|^#|^/", href, re.I):
                    continue
                target = href.split("#", 1)[0]
                resolved = (path.parent / target).resolve()
                root = self.root.resolve()
                if resolved.is_relative_to(root) and (
                    resolved.relative_to(root).as_posix() in generated
                ):
                    continue  # a page the portal generates (下载, 在线校验, …)
                if target.endswith(".md") and not resolved.is_file():
                    line = (token.map[0] + 1) if token.map else 1
                    self.problem(
                        Location(path, line),
                        f"链接指向不存在的文件：{target}{self.link_hint(path, target)}",
                    )

    def link_hint(self, path: Path, target: str) -> str:
        """ "（是否应为 ../policies/collection.md？）": the closest existing page, written
        relative to the linking file."""
        pages = [
            os.path.relpath(p, path.parent).replace(os.sep, "/") for p in self.root.rglob("*.md")
        ]
        guess = difflib.get_close_matches(target, pages, 1, 0.6)
        return f"（是否应为 {guess[0]}？）" if guess else ""

    def check_kind(self, standard: Standard, path: Path, source: str) -> None:
        if any(p.location.path == path for p in self.problems):
            return  # a broken block is already reported; its kind is unknown
        kinds = {s.kind for s in standard.schemas}
        if standard.kind in ("record", "codelist") and standard.kind not in kinds:
            self.problem(
                self.front_location(path, source, "kind"),
                f"kind: {standard.kind} 的标准须包含对应的 ```json schema 块",
            )

    # ── pass 2: the whole catalog ───────────────────────────────────────────
    def check_catalog(self, catalog: Catalog) -> None:
        codelists = catalog.codelists
        blocks = {b.schema.key: b for b in self.blocks}
        for block in self.blocks:
            schema = block.schema
            if schema.kind == "codelist":
                self.check_codelist(block, codelists)
            else:
                self.check_record(block, catalog, codelists)
        for standard in self.standards:
            self.check_front_references(standard, codelists)
        self.problems += check_register(catalog)
        self.problems += check_terms(catalog)
        if not self.problems:
            self.check_examples(catalog, blocks)

    def check_codelist(self, block: _Block, codelists: dict[str, CodeList]) -> None:
        seen: dict[str, int] = {}
        codelist = block.schema.codelist
        codes = set(codelist.codes)
        rule = self.usable_code_rule(block, codelists)
        for index, entry in enumerate(codelist.entries):
            if rule is not None and rule.split(entry.code, codelists) is None:
                self.problem(
                    block.at("oneOf", index, "const"),
                    f"代码 {entry.code} 不符合本代码表的编码规则（{rule.describe(codelists)}）",
                )
            if entry.code in seen:
                self.problem(
                    block.at("oneOf", index, "const"),
                    f"代码 {entry.code} 重复（第 {seen[entry.code] + 1} 项已使用）",
                )
            seen.setdefault(entry.code, index)
            if entry.parent is not None and entry.parent not in codes:
                self.problem(
                    block.at("oneOf", index, "x-parent"), f"上级代码 {entry.parent} 不在本代码表中"
                )
            if entry.withdrawn is not None and parse_date(entry.withdrawn) is None:
                self.problem(
                    block.at("oneOf", index, "x-withdrawn"),
                    f"代码 {entry.code} 的撤销日期 {entry.withdrawn} 不是有效日期（YYYY-MM-DD）",
                )

    def check_headers(self, block: _Block) -> None:
        """Files are read by header: a title, alias or key that two fields share (after
        ``clean_header``: case, spaces, "*") would feed one column to the wrong field."""
        owner: dict[str, tuple[str, str, str]] = {}
        for f in block.schema.fields:
            at = ("properties", f.key)
            places = [(*at, "x-aliases", i) for i in range(len(f.aliases))] + [(*at, "title"), at]
            for (what, name), path in zip(f.header_names, places, strict=True):
                first = owner.setdefault(clean_header(name), (f.key, what, name))
                if first[0] != f.key:
                    self.problem(
                        block.at(*path),
                        f"字段 {f.key} 的{what}“{name}”与字段 {first[0]} 的{first[1]}"
                        f"“{first[2]}”相同：按表头读文件时该列会被读入错误的字段",
                    )

    def usable_code_rule(self, block: _Block, codelists: dict[str, CodeList]) -> CodeRule | None:
        """The list's own code rule when its code-list segments name other, existing lists."""
        rule = block.schema.codelist.code_rule
        if rule is None:
            return None
        usable = True
        for index, segment in enumerate(rule.segments):
            if segment.kind != "codelist":
                continue
            at = block.at("x-code-rule", "segments", index)
            if segment.value == block.schema.key:
                self.problem(at, "代码表的编码规则不能引用代码表自身")
                usable = False
            elif segment.value not in codelists:
                self.problem(at, f"编码规则引用的代码表 {segment.value} 不存在")
                usable = False
            elif not codelists[segment.value].codes_at(segment.level):
                self.problem(at, f"代码表 {segment.value} 没有第 {segment.level} 级代码")
                usable = False
        return rule if usable else None

    def check_record(self, block: _Block, catalog: Catalog, codelists: dict[str, CodeList]) -> None:
        schema = block.schema
        keys = set(schema.field_by_key)
        for name in schema.raw.get("required", []):
            if name not in keys:
                self.problem(
                    block.at("required"), f"required 中的字段 {name} 未在 properties 中定义"
                )
        self.check_headers(block)
        levels = codelists.get("security-level")
        for f in schema.fields:
            where = ("properties", f.key)
            if not re.match(vocabulary.FIELD_KEY_PATTERN, f.key):
                self.problem(block.at(*where), f"字段键 {f.key} 须为小写字母、数字和下划线")
            if "$ref" in f.raw:
                target = catalog.schemas.get(f.codelist or "")
                if target is None:
                    self.problem(
                        block.at(*where, "$ref"), f"$ref {f.raw['$ref']} 指向不存在的 schema"
                    )
                elif target.kind != "codelist":
                    self.problem(
                        block.at(*where, "$ref"),
                        f"$ref {f.raw['$ref']} 须指向代码表（记录须为扁平表）",
                    )
                elif f.codelist_level and not codelists[target.key].codes_at(f.codelist_level):
                    self.problem(
                        block.at(*where, "x-level"),
                        f"代码表 {target.key} 没有第 {f.codelist_level} 级代码",
                    )
            if f.read_only and f.required:
                self.problem(
                    block.at(*where, "readOnly"),
                    f"字段 {f.key} 由系统记录（readOnly），不能列为必填：模板中没有这一列",
                )
            if "anyOf" in f.raw:
                self.check_alternatives(block, f)
            if f.code_rule is not None:
                if f.pattern is not None:
                    self.problem(
                        block.at(*where, "pattern"),
                        "字段已有 x-code-rule，不要再写 pattern（正则由编码规则推导）",
                    )
                for index, segment in enumerate(f.code_rule.segments):
                    if segment.kind != "codelist":
                        continue
                    at = block.at(*where, "x-code-rule", "segments", index)
                    if segment.value not in codelists:
                        self.problem(at, f"编码规则引用的代码表 {segment.value} 不存在")
                    elif not codelists[segment.value].codes_at(segment.level):
                        self.problem(at, f"代码表 {segment.value} 没有第 {segment.level} 级代码")
            if f.security_level and levels and f.security_level not in levels.by_code:
                self.problem(
                    block.at(*where, "x-security-level"),
                    f"密级 {f.security_level} 不在 security-level 代码表中",
                )
        if schema.security_level and levels and schema.security_level not in levels.by_code:
            self.problem(
                block.at("x-security-level"),
                f"密级 {schema.security_level} 不在 security-level 代码表中",
            )
        for index, group in enumerate(schema.unique):
            for name in group:
                if name not in keys:
                    self.problem(block.at("x-unique", index), f"x-unique 中的字段 {name} 未定义")
        for index, fk in enumerate(schema.foreign_keys):
            where = block.at("x-foreign-keys", index)
            target = catalog.records.get(fk.record)
            if fk.field not in keys:
                self.problem(where, f"外键字段 {fk.field} 未定义")
            if target is None:
                self.problem(where, f"外键引用的记录 {fk.record} 不存在")
            elif fk.ref not in target.field_by_key:
                self.problem(where, f"外键引用的字段 {fk.record}.{fk.ref} 不存在")
            if fk.where_field is not None and target is not None:
                for text in _where_problems(fk, schema, target, codelists):
                    self.problem(block.at("x-foreign-keys", index, "where"), text)
        seen_ids: set[str] = set()
        for index, rule in enumerate(schema.rules):
            where = block.at("x-rules", index)
            if rule.id in seen_ids:
                self.problem(where, f"规则编号 {rule.id} 重复")
            seen_ids.add(rule.id)
            params_errors = list(
                Draft202012Validator(RULE_TYPES[rule.type].params_schema).iter_errors(rule.params)
            )
            for error in params_errors:
                self.problem(where, f"规则 {rule.id}（{rule.type}）的参数 " + _describe(error))
            if not params_errors:
                missing = [name for name in rule_fields(rule) if name not in keys]
                for name in missing:
                    self.problem(where, f"规则 {rule.id} 引用的字段 {name} 未定义")
                for text in [] if missing else rule_problems(rule, schema):
                    self.problem(where, f"规则 {rule.id}（{rule.type}）：{text}")
                self.check_rule_dates(schema, rule, where, catalog.codelists)

    def check_rule_dates(
        self, schema: Schema, rule: Rule, where: Location, codelists: dict[str, CodeList]
    ) -> None:
        """``max-workdays`` names a calendar code list and counts between date fields;
        an effective date (``from``) is a real date tested on a date field."""
        dated = ("date", "date-time")
        if rule.type == "max-workdays":
            for name in rule_fields(rule):
                f = schema.field_by_key.get(name)
                if f is not None and f.type not in dated:
                    self.problem(where, f"规则 {rule.id} 的字段 {name} 不是日期或时间字段")
            key = rule.params["calendar"]
            if key not in codelists:
                self.problem(where, f"规则 {rule.id} 的工作日历 {key} 不是代码表")
            else:
                for text in calendar_problems(codelists[key]):
                    self.problem(where, f"规则 {rule.id}：{text}")
        since = rule.params.get("from")
        if since is None:
            return
        errors = list(Draft202012Validator(FROM_SCHEMA).iter_errors(since))
        for error in errors:
            self.problem(where, f"规则 {rule.id} 的生效日期 from " + _describe(error))
        if errors:
            return
        if parse_date(since["date"]) is None:
            self.problem(where, f"规则 {rule.id} 的生效日期 {since['date']} 不是有效日期")
        f = schema.field_by_key.get(since["field"])
        if f is None:
            self.problem(where, f"规则 {rule.id} 的生效日期所依据的字段 {since['field']} 未定义")
        elif f.type not in dated:
            self.problem(
                where, f"规则 {rule.id} 的生效日期所依据的字段 {since['field']} 不是日期或时间字段"
            )

    def check_alternatives(self, block: _Block, f: Field) -> None:
        """``anyOf`` lists text alternatives; everything else about the value stays on the
        field, so the alternatives replace the field's own format/pattern."""
        where = ("properties", f.key)
        clash = [k for k in ("$ref", "x-code-rule", "enum", "const") if k in f.raw]
        declared = f.raw.get("type", "string")
        if declared != "string" or clash:
            what = clash[0] if clash else f"type {declared}"
            self.problem(
                block.at(*where, "anyOf"),
                f"字段 {f.key} 的 anyOf 只用于文本字段的几种格式，不能与 {what} 同时使用",
            )
        for keyword in ("format", "pattern"):
            if keyword in f.raw:
                self.problem(
                    block.at(*where, keyword),
                    f"字段 {f.key} 已有 anyOf，不要再写 {keyword}：把它写进 anyOf 的某一项"
                    "（字段的值符合任一项即可）",
                )
        for index, item in enumerate(f.raw["anyOf"]):
            if "format" not in item and "pattern" not in item:
                self.problem(
                    block.at(*where, "anyOf", index),
                    f"字段 {f.key} 的 anyOf 第 {index + 1} 项须写 format 或 pattern"
                    "（可再加 minLength、maxLength 和说明这一项的 title）",
                )

    def check_front_references(self, standard: Standard, codelists: dict[str, CodeList]) -> None:
        path = self.root / standard.path
        checks = [
            ("category", "info-category", [standard.category]),
            ("owner", "department-code", [standard.owner]),
        ]
        checks.append(("reviewers", "department-code", standard.reviewers))
        for key, list_key, values in checks:
            codes = codelists.get(list_key)
            for value in values:
                if value is not None and codes is not None and value not in codes.by_code:
                    self.problem(
                        self.front_location(path, standard.source, key),
                        f"{key}: {value} 不在代码表 {list_key} 中",
                    )

    def check_examples(self, catalog: Catalog, blocks: dict[str, _Block]) -> None:
        registry = build_registry(catalog)
        checker = format_checker()
        for key, schema in catalog.records.items():
            block = blocks[key]
            validator = Draft202012Validator(
                catalog.exported(key), registry=registry, format_checker=checker
            )
            for index, example in enumerate(schema.examples):
                for error in validator.iter_errors(example):
                    self.problem(
                        block.at("examples", index, *error.absolute_path),
                        f"示例 {index + 1} 不符合本 schema：" + _describe(error),
                    )
                for rule in schema.rules:
                    if not exempt(rule, example) and not check_rule(
                        rule, example, RuleContext(schema, catalog.codelists)
                    ):
                        self.problem(
                            block.at("examples", index),
                            f"示例 {index + 1} 违反规则 {rule.id}：{rule.message}",
                        )
            for group in schema.unique:
                values = [tuple(e.get(k) for k in group) for e in schema.examples]
                if len(values) != len(set(values)):
                    self.problem(
                        block.at("examples"), f"示例中 {'+'.join(group)} 不唯一（x-unique）"
                    )
            for fk in schema.foreign_keys:
                target = catalog.records[fk.record]
                known = {e.get(fk.ref) for e in target.examples}
                allowed = {
                    e.get(fk.ref)
                    for e in target.examples
                    if fk.where_field is None or e.get(fk.where_field) in fk.where_in
                }
                for index, example in enumerate(schema.examples):
                    if fk.field in example and example[fk.field] not in known:
                        self.problem(
                            block.at("examples", index, fk.field),
                            f"示例 {index + 1} 的 {fk.field}={example[fk.field]} 不在 {fk.record} 的示例中（外键）",
                        )
                    elif fk.field in example and example[fk.field] not in allowed:
                        self.problem(
                            block.at("examples", index, fk.field),
                            f"示例 {index + 1} 的 {fk.field}={example[fk.field]} 在 {fk.record} 的示例中"
                            f"不满足外键条件（{fk.where_field} 须为 {'、'.join(map(str, fk.where_in))}）",
                        )
            for f in schema.fields:
                field_validator = SchemaValidator(
                    {"$ref": f"{catalog.schema_url(key)}#/properties/{f.key}"},
                    registry=registry,
                    format_checker=checker,
                )
                for index, example in enumerate(f.examples):
                    for error in field_validator.iter_errors(example):
                        self.problem(
                            block.at("properties", f.key, "examples", index),
                            f"字段 {f.key} 的示例 {example!r} 无效：" + _describe(error),
                        )


def _where_problems(
    fk: ForeignKey, schema: Schema, target: Schema, codelists: dict[str, CodeList]
) -> list[str]:
    """A foreign key's ``where``: a field of the target whose listed values it can hold."""
    if fk.record == schema.key:
        return ["外键条件 where 不能用于指向本记录的外键"]
    f = target.field_by_key.get(str(fk.where_field))
    if f is None:
        return [f"外键条件中的字段 {fk.record}.{fk.where_field} 不存在"]
    if f.codelist:
        accepted: list[Any] | None = field_codelist(f, codelists).codes
    elif f.enum is not None:
        accepted = f.enum
    else:
        accepted = None if f.const is None else [f.const]
    if accepted is None:
        return []
    return [
        f"外键条件中的值 {value!r} 不是 {fk.record}.{f.key} 的可选值（{'、'.join(map(str, accepted))}）"
        for value in fk.where_in
        if value not in accepted
    ]


def _exact_multiple_of(validator, multiple, instance, schema):
    """multipleOf in decimal arithmetic: 19.99 is a multiple of 0.01 (in binary floats it is not)."""
    if not validator.is_type(instance, "number") or isinstance(instance, bool):
        return
    if Decimal(str(instance)) % Decimal(str(multiple)) != 0:
        yield ValidationError(f"{instance!r} is not a multiple of {multiple}")


# The jsonschema validator every part of infostd uses: 2020-12 with exact decimals.
SchemaValidator = validators.extend(Draft202012Validator, {"multipleOf": _exact_multiple_of})


def schema_validator(
    catalog: Catalog, key: str, registry: Registry | None = None
) -> Draft202012Validator:
    """A validator for the exported schema ``key`` with our formats and offline ``$ref``s."""
    return SchemaValidator(
        catalog.exported(key),
        registry=registry or build_registry(catalog),
        format_checker=format_checker(),
    )


def build_registry(catalog: Catalog) -> Registry:
    """Every exported schema under its absolute URL, so ``$ref`` resolves offline."""
    resources = [
        (
            catalog.schema_url(key),
            Resource.from_contents(catalog.exported(key), default_specification=DRAFT202012),
        )
        for key in catalog.schemas
    ]
    return Registry().with_resources(resources)


# ── typed views built from a block already checked by the meta-schema ──────
def _read_codelist(schema: Schema) -> CodeList:
    entries = [
        CodeEntry(
            code=e["const"],
            title=e["title"],
            description=e.get("description", ""),
            parent=e.get("x-parent"),
            deprecated=bool(e.get("deprecated", False)),
            aliases=tuple(e.get("x-aliases", ())),
            withdrawn=e.get("x-withdrawn"),
        )
        for e in schema.raw["oneOf"]
    ]
    rule = schema.raw.get("x-code-rule")
    code_rule = CodeRule([_read_segment(s) for s in rule["segments"]]) if rule else None
    return CodeList(key=schema.key, title=schema.title, entries=entries, code_rule=code_rule)


def _read_record(schema: Schema) -> None:
    raw = schema.raw
    required = set(raw.get("required", []))
    schema.fields = [
        _read_field(key, prop, key in required) for key, prop in raw["properties"].items()
    ]
    schema.unique = [list(g) for g in raw.get("x-unique", [])]
    schema.foreign_keys = [
        ForeignKey(
            fk["field"],
            fk["record"],
            fk["ref"],
            fk.get("where", {}).get("field"),
            tuple(fk.get("where", {}).get("in", ())),
        )
        for fk in raw.get("x-foreign-keys", [])
    ]
    schema.rules = [
        Rule(
            id=r["id"],
            type=r["type"],
            message=r["message"],
            params={k: v for k, v in r.items() if k not in ("id", "type", "message")},
        )
        for r in raw.get("x-rules", [])
    ]
    schema.lifecycle = dict(raw.get("x-lifecycle", {}))
    schema.security_level = raw.get("x-security-level")


def _read_field(key: str, prop: dict[str, Any], required: bool) -> Field:
    ref = prop.get("$ref")
    fmt = prop.get("format")
    kind = prop.get("type", "string")
    if fmt in ("date", "date-time"):
        kind = fmt
    rule = prop.get("x-code-rule")
    return Field(
        key=key,
        title=prop.get("title", key),
        type=kind,
        required=required,
        description=prop.get("description", ""),
        format=fmt,
        pattern=prop.get("pattern"),
        min_length=prop.get("minLength"),
        max_length=prop.get("maxLength"),
        minimum=prop.get("minimum"),
        maximum=prop.get("maximum"),
        exclusive_minimum=prop.get("exclusiveMinimum"),
        exclusive_maximum=prop.get("exclusiveMaximum"),
        multiple_of=prop.get("multipleOf"),
        enum=prop.get("enum"),
        const=prop.get("const"),
        codelist=ref.removesuffix(SCHEMA_SUFFIX) if isinstance(ref, str) else None,
        codelist_level=prop.get("x-level"),
        code_rule=CodeRule([_read_segment(s) for s in rule["segments"]]) if rule else None,
        sensitive=sensitivity(prop.get("x-sensitive")),
        mask=mask_kind(prop.get("x-sensitive"), fmt or _first_format(prop.get("anyOf", []))),
        security_level=prop.get("x-security-level"),
        aliases=list(prop.get("x-aliases", [])),
        examples=list(prop.get("examples", [])),
        default=prop.get("default"),
        deprecated=bool(prop.get("deprecated", False)),
        deprecated_in=prop.get("x-deprecated-in"),
        read_only=bool(prop.get("readOnly", False)),
        alternatives=[Alternative.read(a) for a in prop.get("anyOf", [])],
        raw=prop,
    )


def _first_format(items: list[dict[str, Any]]) -> str | None:
    """The first ``anyOf`` item's format: what a ``"personal"`` field is masked as."""
    return next((i["format"] for i in items if "format" in i), None)


def _read_segment(raw: dict[str, Any]) -> Segment:
    for kind in ("text", "digits", "letters", "codelist"):
        if kind in raw:
            return Segment(
                kind=kind, value=raw[kind], title=raw.get("title", ""), level=raw.get("level")
            )
    raise AssertionError("segment checked by the meta-schema")


# ── jsonschema errors in Chinese ───────────────────────────────────────────
def _missing_or_extra(error: ValidationError) -> str:
    """The key a ``required`` or ``additionalProperties`` error is about."""
    instance = error.instance if isinstance(error.instance, dict) else {}
    if error.validator == "required":
        return next((k for k in error.validator_value if k not in instance), "")
    if error.validator == "additionalProperties":
        allowed = error.schema.get("properties", {})
        return next((k for k in instance if k not in allowed), "")
    return ""


def _describe(error: ValidationError) -> str:
    where = "/".join(str(p) for p in error.absolute_path)
    subject = f"{where} " if where else ""
    value = json.dumps(error.instance, ensure_ascii=False)
    if len(value) > 60:
        value = value[:57] + "…"
    match error.validator:
        case "additionalProperties":
            key = _missing_or_extra(error)
            return f"{where + ' 中' if where else ''}有不支持的关键字 {key}{_hint(key, error)}"
        case "required":
            return f"{where + ' ' if where else ''}缺少必需的 {_missing_or_extra(error)}"
        case "enum":
            options = "、".join(str(v) for v in error.validator_value)
            return f"{subject}的取值 {value} 不允许，可选：{options}"
        case "const":
            return f"{subject}的取值应为 {json.dumps(error.validator_value, ensure_ascii=False)}"
        case "type":
            return f"{subject}的类型应为 {error.validator_value}，实际为 {value}"
        case "pattern" | "format":
            return f"{subject}的取值 {value} 不符合格式 {error.validator_value}"
        case "anyOf" if _alternatives(error.validator_value):
            words = alternatives_words(_alternatives(error.validator_value))
            return f"{subject}的取值 {value} 不符合要求：应为{words}"
        case "oneOf" | "anyOf" if error.schema.get("title"):
            return f"{subject}的取值 {value} 不在代码表“{error.schema['title']}”中"
        case "oneOf" | "anyOf":
            return f"{subject}的取值 {value} 不符合任何一种允许的写法"
        case _:
            return subject + _SCHEMA_WORDS.get(error.validator, "不符合要求").format(
                limit=json.dumps(error.validator_value, ensure_ascii=False), value=value
            )


# Keywords that exist elsewhere: the hint says where they belong, not "did you mean".
_PLACED_HINTS = {
    "oneOf": '（字段的“多选一”请写 anyOf，如 "anyOf": [{"format": "cn-mobile"}, '
    '{"format": "intl-phone"}]；oneOf 只用于代码表列出代码）',
    "anyOf": "（anyOf 只能写在字段上，列出该字段的几种可选格式）",
    "allOf": "（不支持 allOf：把各项要求直接写在字段上，它们同时生效）",
}


def _hint(key: str, error: ValidationError) -> str:
    """A hint for an unsupported keyword: where it belongs, or the nearest allowed one."""
    allowed = error.schema.get("properties", {})
    if key in _PLACED_HINTS and key not in allowed:
        return _PLACED_HINTS[key]
    known = [k for k in dict.fromkeys([*vocabulary.ALL_KEYWORDS, *allowed]) if k != key]
    guess = difflib.get_close_matches(key, known, 1)
    return f"（是否应为 {guess[0]}？）" if guess else ""


def _alternatives(items: Any) -> list[Alternative]:
    """A field's ``anyOf`` items (format/pattern alternatives), else []."""
    if not isinstance(items, list) or not items:
        return []
    if not all(isinstance(i, dict) and ("format" in i or "pattern" in i) for i in items):
        return []
    return [Alternative.read(i) for i in items]


def _schema_error(exc: SchemaError) -> str:
    """A block that is no JSON Schema, in Chinese (a broken regex is the usual case)."""
    if exc.validator == "format" and exc.validator_value == "regex":
        where = "/".join(str(p) for p in exc.absolute_path)
        return (
            f"{where} 不是有效的正则表达式：{json.dumps(exc.instance, ensure_ascii=False)}"
            "（方括号、圆括号是否成对？反斜杠须写成 \\\\）"
        )
    return "不是有效的 JSON Schema（2020-12）：" + _describe(exc)


# The remaining jsonschema keywords, in words (jsonschema's own messages are English).
_SCHEMA_WORDS = {
    "minLength": "的取值 {value} 太短：至少 {limit} 个字符",
    "maxLength": "的取值 {value} 太长：至多 {limit} 个字符",
    "minimum": "的取值 {value} 小于最小值 {limit}",
    "maximum": "的取值 {value} 大于最大值 {limit}",
    "exclusiveMinimum": "的取值 {value} 须大于 {limit}",
    "exclusiveMaximum": "的取值 {value} 须小于 {limit}",
    "multipleOf": "的取值 {value} 须为 {limit} 的整数倍",
    "minItems": "至少要有 {limit} 项",
    "maxItems": "至多只能有 {limit} 项",
    "uniqueItems": "中有重复的项",
    "minProperties": "不能为空对象",
    "not": "的取值 {value} 不允许",
    "dependentRequired": "缺少相关的必需项",
}
