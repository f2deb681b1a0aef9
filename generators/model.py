"""The one in-memory model of the standards (DESIGN §1).

The loader builds a `Catalog`; every generator reads it and nothing else.
Raw schema dicts are kept as written (``Schema.raw``) next to the typed view
(fields, code lists, rules) so generators never re-parse Markdown or JSON.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path
from typing import Any, Literal

from .searchterms import SearchTerms

SCHEMA_SUFFIX = ".schema.json"
DRAFT_2020_12 = "https://json-schema.org/draft/2020-12/schema"
# Formats of identifiers and numbers: kept as text (leading zeros, "+") and ASCII-exact.
CODE_FORMATS = frozenset({"cn-uscc", "cn-resident-id", "cn-mobile", "intl-phone"})

Kind = Literal["record", "codelist", "policy", "guide"]

# Code-rule segments: ASCII only ("１" or "a" in a code is a typing error, not a digit/letter).
SEGMENT_CHARS = {
    "digits": frozenset("0123456789"),
    "letters": frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZ"),
}
Status = Literal["draft", "comment", "pilot", "released", "deprecated"]


def clean_header(text: Any) -> str:
    """Header text without the required mark and spaces: "客户编码 *" → "客户编码"."""
    if text is None:
        return ""
    s = str(text).replace("\u3000", " ").strip()
    s = re.sub(r"[\s]*[*＊]+$", "", s)
    return re.sub(r"\s+", "", s).lower()


@dataclass(frozen=True)
class Location:
    """Where something was written: a file and a 1-based line."""

    path: Path
    line: int = 1

    def __str__(self) -> str:
        return f"{display_path(self.path)}:{self.line}"


def display_path(path: Path) -> str:
    """A path as a user should see it: relative to the working folder when inside it."""
    try:  # abspath, not resolve: a symlink is shown by the name the user gave
        return str(Path(os.path.abspath(path)).relative_to(Path.cwd()))
    except ValueError:
        return str(path)


class StandardError(ValueError):
    """A mistake in a standard, with the place it was made."""

    def __init__(self, location: Location, message: str):
        super().__init__(f"{location}: {message}")
        self.location = location
        self.message = message


@dataclass(frozen=True)
class CodeEntry:
    code: str
    title: str
    description: str = ""
    parent: str | None = None
    deprecated: bool = False
    aliases: tuple[str, ...] = ()  # legacy names (``x-aliases``), for mapping old ledgers
    withdrawn: str | None = None  # ``x-withdrawn``: YYYY-MM-DD, the last day the code may be used

    @property
    def label(self) -> str:
        """The text shown in dropdowns, the portal and messages: "11 北京市"."""
        return f"{self.code} {self.title}"

    @property
    def retired(self) -> bool:
        """Not for new data: deprecated, or carrying a withdrawal date (past or coming)."""
        return self.deprecated or self.withdrawn is not None

    @property
    def state(self) -> str:
        """The word readers see in the portal and the published lists."""
        return "撤销" if self.withdrawn is not None else "停用" if self.deprecated else "有效"

    def withdrawn_by(self, as_of: str) -> bool:
        """True when ``as_of`` (YYYY-MM-DD) is after the withdrawal date: using the code
        is then an error; on or before it a warning (ISO dates compare as text)."""
        return self.withdrawn is not None and as_of > self.withdrawn


@dataclass
class CodeList:
    key: str
    title: str
    entries: list[CodeEntry]
    code_rule: CodeRule | None = None  # ``x-code-rule`` of the list: the shape of every code

    @cached_property
    def by_code(self) -> dict[str, CodeEntry]:
        return {e.code: e for e in self.entries}

    @property
    def codes(self) -> list[str]:
        return [e.code for e in self.entries]

    def label(self, code: str) -> str:
        entry = self.by_code.get(code)
        return entry.label if entry else code

    @cached_property
    def _by_label(self) -> dict[str, str]:
        labels = {e.label: e.code for e in self.entries}
        labels.update({e.title: e.code for e in self.entries if e.title not in self.by_code})
        return labels

    def normalise(self, text: str) -> str | None:
        """The code meant by what a person typed or picked: the code itself, the
        dropdown label "11 北京市" (one space, DESIGN.md "dropdown convention"),
        or the bare name "北京市". None when nothing matches."""
        if text in self.by_code:
            return text
        return self._by_label.get(" ".join(text.split()))

    @cached_property
    def has_retired(self) -> bool:
        return any(e.retired for e in self.entries)

    def active(self) -> CodeList:
        """The codes still to be used for new data (neither deprecated nor withdrawn),
        with the tree levels of the whole list. Engines that only decide "surely clean"
        (fast path, SQL) check against it, so a retired code goes to the reference,
        which warns or, after the withdrawal date, reports it."""
        if not self.has_retired:
            return self
        if "_active" not in self.__dict__:
            kept = [e for e in self.entries if not e.retired]
            out = CodeList(self.key, self.title, kept, self.code_rule)
            out.__dict__["_tree_levels"] = {e.code: self.level_of(e.code) for e in kept}
            self.__dict__["_active"] = out
        return self.__dict__["_active"]

    def level_of(self, code: str) -> int:
        """1 for a top entry, 2 for its children, … (via ``x-parent``)."""
        known = self.__dict__.get("_tree_levels")
        if known is not None:
            return known[code]
        level, entry = 1, self.by_code[code]
        while (
            entry.parent is not None and entry.parent in self.by_code and level <= len(self.entries)
        ):
            level, entry = level + 1, self.by_code[entry.parent]
        return level

    def codes_at(self, level: int | None = None) -> list[str]:
        return [c for c in self.codes if level is None or self.level_of(c) == level]

    def at_level(self, level: int | None) -> CodeList:
        """The list restricted to one tree level (a field's ``x-level``): the same key,
        the title saying which level, so every message and dropdown names it."""
        if level is None:
            return self
        cache: dict[int, CodeList] = self.__dict__.setdefault("_levels", {})
        if level not in cache:
            entries = [e for e in self.entries if self.level_of(e.code) == level]
            cache[level] = CodeList(self.key, f"{self.title}（第 {level} 级）", entries)
        return cache[level]

    def regex(self, level: int | None = None) -> str:
        """Alternation of the codes (of one level), longest first so "01" never shadows "011"."""
        codes = sorted(self.codes_at(level), key=lambda c: (-len(c), c))
        return "(?:" + "|".join(re.escape(c) for c in codes) + ")"


@dataclass(frozen=True)
class Segment:
    """One part of a structured code (``x-code-rule``)."""

    kind: Literal["text", "digits", "letters", "codelist"]
    value: str | int  # the text, the length, or the code-list key
    title: str = ""
    level: int | None = None  # codelist segments: only codes of this tree level (1 = top)

    def regex(self, codelists: dict[str, CodeList]) -> str:
        if self.kind == "text":
            return re.escape(str(self.value))
        if self.kind == "digits":
            return f"[0-9]{{{self.value}}}"
        if self.kind == "letters":
            return f"[A-Z]{{{self.value}}}"
        return codelists[str(self.value)].regex(self.level)

    def describe(self, codelists: dict[str, CodeList] | None = None) -> str:
        """Chinese description used in input messages, the portal and errors; with
        ``codelists`` a code-list segment is named by its title, not its key."""
        name = f"{self.title}：" if self.title else ""
        if self.kind == "text":
            return f"{name}固定文字“{self.value}”"
        if self.kind == "digits":
            return f"{name}{self.value}位数字"
        if self.kind == "letters":
            return f"{name}{self.value}位大写字母"
        level = f"第 {self.level} 级" if self.level else ""
        if codelists and str(self.value) in codelists:
            return f"{name}代码表“{codelists[str(self.value)].title}”中的{level}代码"
        return f"{name}代码表 {self.value} 中的{level}代码"

    def sizes_at(self, value: str, pos: int, codelists: Mapping[str, CodeList]) -> list[int]:
        """Lengths of the parts of ``value`` from ``pos`` this segment accepts, longest first."""
        rest = value[pos:]
        if self.kind == "text":
            return [len(str(self.value))] if rest.startswith(str(self.value)) else []
        if self.kind in SEGMENT_CHARS:
            size = int(self.value)
            part = rest[:size]
            return [size] if len(part) == size and set(part) <= SEGMENT_CHARS[self.kind] else []
        codes = codelists[str(self.value)].codes_at(self.level)
        return sorted({len(c) for c in codes if rest.startswith(c)}, reverse=True)


@dataclass
class CodeRule:
    segments: list[Segment]

    def regex(self, codelists: dict[str, CodeList]) -> str:
        return "^" + "".join(s.regex(codelists) for s in self.segments) + "$"

    def describe(self, codelists: dict[str, CodeList] | None = None) -> str:
        return " + ".join(s.describe(codelists) for s in self.segments)

    def split(self, value: str, codelists: Mapping[str, CodeList]) -> list[str] | None:
        """``value`` cut into one part per segment, or None when no cut fits.

        Backtracking: a code-list segment tries its codes longest first and falls back
        to a shorter one when the rest does not fit, so adding code 4403 under 44 keeps
        440301 (= 44 + 0301) valid. This is the language of ``regex()`` (the exported
        ``pattern``); every engine ports this function (DESIGN.md "Stage 3")."""

        def walk(index: int, pos: int) -> list[str] | None:
            if index == len(self.segments):
                return [] if pos == len(value) else None
            for size in self.segments[index].sizes_at(value, pos, codelists):
                rest = walk(index + 1, pos + size)
                if rest is not None:
                    return [value[pos : pos + size], *rest]
            return None

        return walk(0, 0)

    def diagnose(self, value: str, codelists: Mapping[str, CodeList]) -> tuple[str, dict[str, Any]]:
        """Why a value with no ``split`` is wrong: the left-to-right walk taking the longest
        code, stopped at the first segment that does not fit. Returns the message id
        (``code-rule:missing|length|segment|extra``) and its parameters; ``index`` is the
        0-based segment (the message's ``position`` is 1-based)."""
        pos = 0
        for index, seg in enumerate(self.segments):
            params: dict[str, Any] = {"index": index, "position": index + 1}
            rest = value[pos:]
            if not rest:
                return "code-rule:missing", params
            sizes = seg.sizes_at(value, pos, codelists)
            if seg.kind == "text":
                size = len(str(seg.value))
            elif seg.kind in SEGMENT_CHARS:
                size = int(seg.value)
                if len(rest) < size:
                    return "code-rule:length", {**params, "part": rest, "limit": size}
            else:
                codes = codelists[str(seg.value)].codes_at(seg.level)
                size = sizes[0] if sizes else len(min(codes, key=len, default=""))
            if not sizes:
                return "code-rule:segment", {**params, "part": rest[: max(size, 1)]}
            pos += size
        return "code-rule:extra", {"part": value[pos:]}

    def fixed_length(self, codelists: dict[str, CodeList]) -> int | None:
        """Total length when every segment has one length, else None."""
        span = self.span(len(self.segments), codelists)
        return None if span is None else span[0] + span[1] - 1

    def span(self, segment: int, codelists: Mapping[str, CodeList]) -> tuple[int, int] | None:
        """(1-based start, length) of the ``segment``-th part (1-based) when every part up
        to it has one length — then every split cuts it there —, else None."""
        start, size = 1, 0
        for s in self.segments[:segment]:
            start += size
            if s.kind == "text":
                sizes = {len(str(s.value))}
            elif s.kind in SEGMENT_CHARS:
                sizes = {int(s.value)}
            else:
                sizes = {len(c) for c in codelists[str(s.value)].codes_at(s.level)}
            if len(sizes) != 1:
                return None
            size = sizes.pop()
        return start, size


FieldType = Literal["string", "integer", "number", "boolean", "date", "date-time"]


@dataclass(frozen=True)
class Alternative:
    """One item of a field's ``anyOf``: a value passes the field when it passes one
    alternative (its format, pattern and lengths all hold). ``title`` names it for
    readers (「港澳手机号」); without one it is said from its format or pattern."""

    format: str | None = None
    pattern: str | None = None
    min_length: int | None = None
    max_length: int | None = None
    title: str = ""

    @classmethod
    def read(cls, raw: dict[str, Any]) -> Alternative:
        return cls(
            format=raw.get("format"),
            pattern=raw.get("pattern"),
            min_length=raw.get("minLength"),
            max_length=raw.get("maxLength"),
            title=raw.get("title", ""),
        )


@dataclass
class Field:
    key: str
    title: str
    type: FieldType
    required: bool
    description: str = ""
    format: str | None = None
    pattern: str | None = None
    min_length: int | None = None
    max_length: int | None = None
    minimum: float | None = None
    maximum: float | None = None
    exclusive_minimum: float | None = None
    exclusive_maximum: float | None = None
    multiple_of: float | None = None
    enum: list[Any] | None = None
    const: Any = None
    codelist: str | None = None  # key of the referenced code list
    codelist_level: int | None = None  # ``x-level``: only codes of this tree level (1 = top)
    code_rule: CodeRule | None = None
    sensitive: str | None = None  # "personal" | "sensitive-personal"
    mask: str | None = None  # mask kind of a sensitive field (masking.MASKS)
    security_level: str | None = None
    aliases: list[str] = field(default_factory=list)
    examples: list[Any] = field(default_factory=list)
    default: Any = None
    deprecated: bool = False
    deprecated_in: str | None = None
    read_only: bool = False  # ``readOnly``: recorded by the system, not asked in templates
    alternatives: list[Alternative] = field(default_factory=list)  # ``anyOf``: one must hold
    raw: dict[str, Any] = field(default_factory=dict)

    @property
    def header_names(self) -> list[tuple[str, str]]:
        """(what, name) for every column header this field is read from: its aliases,
        title and key ("别名", "标题", "键"); matched after ``clean_header``."""
        return [*(("别名", a) for a in self.aliases), ("标题", self.title), ("键", self.key)]

    @property
    def is_code(self) -> bool:
        """Identifiers and codes: kept as text (leading zeros matter)."""
        return bool(
            self.codelist
            or self.code_rule
            or self.pattern
            or self.format in CODE_FORMATS
            or any(a.pattern or a.format in CODE_FORMATS for a in self.alternatives)
        )


def field_codelist(f: Field, codelists: dict[str, CodeList]) -> CodeList:
    """The codes a field of a code list accepts: the whole list, or one level of it."""
    return codelists[str(f.codelist)].at_level(f.codelist_level)


@dataclass(frozen=True)
class ForeignKey:
    field: str
    record: str
    ref: str
    # ``where``: the target row must also have ``where_field`` in ``where_in`` (only 合格
    # suppliers); None = any target row
    where_field: str | None = None
    where_in: tuple[Any, ...] = ()

    @property
    def target(self) -> str:
        """The key a target table's values are collected under (``record.ref``)."""
        return f"{self.record}.{self.ref}"

    @property
    def condition(self) -> str | None:
        """The key a conditional target's (value, condition value) pairs are collected
        under: ``record.ref?field`` (field keys never hold a ``?``)."""
        return None if self.where_field is None else f"{self.target}?{self.where_field}"


@dataclass(frozen=True)
class Rule:
    """A typed cross-field rule from the fixed registry (see rules.py)."""

    id: str
    type: str
    message: str
    params: dict[str, Any]


@dataclass
class Schema:
    """One embedded ``json schema`` block."""

    key: str  # "customer", from "$id": "customer.schema.json"
    raw: dict[str, Any]  # as written in the standard
    location: Location  # the opening fence
    standard_id: str
    end_line: int = 0  # the closing fence
    kind: Literal["record", "codelist", "other"] = "other"
    fields: list[Field] = field(default_factory=list)
    unique: list[list[str]] = field(default_factory=list)
    foreign_keys: list[ForeignKey] = field(default_factory=list)
    rules: list[Rule] = field(default_factory=list)
    lifecycle: dict[str, Any] = field(default_factory=dict)
    security_level: str | None = None
    codelist: CodeList | None = None

    @property
    def id(self) -> str:
        return self.raw["$id"]

    @property
    def title(self) -> str:
        return self.raw.get("title", self.key)

    @property
    def description(self) -> str:
        return self.raw.get("description", "")

    @property
    def examples(self) -> list[Any]:
        return list(self.raw.get("examples", []))

    @cached_property
    def field_by_key(self) -> dict[str, Field]:
        return {f.key: f for f in self.fields}

    @property
    def required(self) -> list[str]:
        return [f.key for f in self.fields if f.required]

    @property
    def template_fields(self) -> list[Field]:
        """The columns a person fills: ``readOnly`` fields are the system's to record."""
        return [f for f in self.fields if not f.read_only]


@dataclass(frozen=True)
class Requirement:
    """One entry of a standard's requirement register (front matter ``requirements``)."""

    id: str
    text: str
    by: str  # validator | template | check | people
    target: str | None  # the rule, field or check that enforces it
    who: str | None
    when: str | None
    evidence: str | None
    location: Location


@dataclass
class Standard:
    id: str
    title: str
    kind: Kind
    status: Status
    path: Path  # relative to the standards directory
    source: str  # the whole Markdown file
    front_matter: dict[str, Any]
    body_line: int  # first line of the body (after the front matter)
    category: str | None = None
    owner: str | None = None
    reviewers: list[str] = field(default_factory=list)
    schemas: list[Schema] = field(default_factory=list)
    requirements: list[Requirement] = field(default_factory=list)

    @property
    def body(self) -> str:
        return "\n".join(self.source.splitlines()[self.body_line - 1 :])

    @property
    def prose(self) -> str:
        """The body without its ``json schema`` blocks: the text a reader reads
        (``infostd diff`` tells a prose edit from a schema edit with it)."""
        blocks = {n for s in self.schemas for n in range(s.location.line, s.end_line + 1)}
        lines = self.source.splitlines()
        return "\n".join(
            line for n, line in enumerate(lines, start=1) if n >= self.body_line and n not in blocks
        )


@dataclass
class Catalog:
    root: Path  # the standards directory
    base_url: str
    standards: list[Standard]
    schemas: dict[str, Schema]  # by key, in file order
    # The committee's search word list (standards/search-terms.yml, generators/searchterms.py).
    search_terms: SearchTerms = field(default_factory=SearchTerms)

    @property
    def records(self) -> dict[str, Schema]:
        return {k: s for k, s in self.schemas.items() if s.kind == "record"}

    @property
    def codelists(self) -> dict[str, CodeList]:
        return {k: s.codelist for k, s in self.schemas.items() if s.codelist is not None}

    def with_codelists(self, lists: Mapping[str, CodeList]) -> Catalog:
        """A copy in which the given code lists replace those of the same key (the
        published lists given to ``validate --reference``, or the active codes only);
        schemas, standards and exported bytes are shared, not copied."""
        schemas = {
            key: replace(schema, codelist=lists[key]) if key in lists else schema
            for key, schema in self.schemas.items()
        }
        return replace(self, schemas=schemas)

    def active_only(self) -> Catalog:
        """The catalog as engines that only decide "surely clean" see it: every code list
        without its retired codes (``CodeList.active``)."""
        if "_active_only" not in self.__dict__:  # one per catalog: engines cache plans on it
            lists = {k: c.active() for k, c in self.codelists.items() if c.has_retired}
            self.__dict__["_active_only"] = self.with_codelists(lists) if lists else self
        return self.__dict__["_active_only"]

    def standard_of(self, schema: Schema) -> Standard:
        return next(s for s in self.standards if s.id == schema.standard_id)

    def schema_url(self, key: str) -> str:
        return f"{self.base_url.rstrip('/')}/{key}{SCHEMA_SUFFIX}"

    def exported(self, key: str) -> dict[str, Any]:
        """The schema as published in ``schemas/``: absolute ``$id``, ``$schema``,
        and the regex of every ``x-code-rule`` added as ``pattern`` so that any
        JSON Schema validator enforces it (it is derived, never written twice)."""
        schema = self.schemas[key]
        out = json.loads(json.dumps(schema.raw))
        out["$id"] = self.schema_url(key)
        out.setdefault("$schema", DRAFT_2020_12)
        for f in schema.fields:
            if f.code_rule is not None:
                out["properties"][f.key]["pattern"] = f.code_rule.regex(self.codelists)
            if f.codelist_level is not None and f.codelist in self.codelists:
                # next to the $ref (both must hold): the codes of that level only
                out["properties"][f.key]["enum"] = field_codelist(f, self.codelists).codes
        return out

    def exported_bytes(self, key: str) -> bytes:
        text = json.dumps(self.exported(key), ensure_ascii=False, indent=2, sort_keys=True)
        return (text + "\n").encode("utf-8")

    def checksum(self, key: str) -> str:
        """SHA-256 of the exported schema: identifies the exact rules a file was made for."""
        return hashlib.sha256(self.exported_bytes(key)).hexdigest()
