"""Editing standards without a programmer: new standards from a skeleton, codes added
or deprecated in place.

Every edit works on the Markdown text, touching only the bytes it must (a new entry
line, ``, "deprecated": true`` inside one entry), so the author's formatting and prose
stay as they were. Every edit is then proved by the one loader: when the edited
catalog does not load, the file is put back and the problems are raised, so a command
never leaves a standard that ``infostd check`` would refuse.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from .config import Config
from .errors import InfostdError
from .formats import parse_date
from .fsutil import atomic_write_text
from .jsonpos import value_offsets
from .loader import CatalogError, load_catalog
from .model import Catalog, CodeList, CodeRule, Schema

KIND_FOLDERS = {"record": "records", "codelist": "codelists", "policy": "policies"}
KIND_ID_PREFIX = {"record": "IMS-DS", "codelist": "IMS-CL", "policy": "IMS-PL"}
KIND_NAMES = {"record": "数据标准", "codelist": "代码表", "policy": "管理制度"}


class AuthoringError(InfostdError):
    """An edit that cannot be made as asked (exit 2): unknown list, taken code, …"""


# ── proving an edit ─────────────────────────────────────────────────────────
def apply_edit(config: Config, path: Path, text: str) -> Catalog:
    """Write ``text`` to ``path``, load the catalog; on failure restore and re-raise."""
    before = path.read_text(encoding="utf-8") if path.exists() else None
    atomic_write_text(path, text)
    try:
        return load_catalog(config=config)
    except CatalogError:
        if before is None:
            path.unlink()
        else:
            atomic_write_text(path, before)
        raise


# ── code lists ──────────────────────────────────────────────────────────────
@dataclass(frozen=True)
class BlockText:
    """A schema block inside its Markdown file: where its JSON text starts and ends."""

    path: Path
    source: str
    start: int  # character offset of the JSON text in source
    end: int

    @property
    def text(self) -> str:
        return self.source[self.start : self.end]


def block_text(catalog: Catalog, schema: Schema) -> BlockText:
    standard = catalog.standard_of(schema)
    lines = standard.source.splitlines(keepends=True)
    start = sum(len(line) for line in lines[: schema.location.line])
    end = sum(len(line) for line in lines[: schema.end_line - 1])
    return BlockText(catalog.root / standard.path, standard.source, start, end)


def codelist_schema(catalog: Catalog, key: str) -> Schema:
    schema = catalog.schemas.get(key)
    if schema is None or schema.codelist is None:
        known = "、".join(catalog.codelists)
        raise AuthoringError(f"没有键为 {key} 的代码表（已有：{known}）")
    return schema


def entry_span(block: BlockText, index: int) -> tuple[int, int]:
    """Offsets (in the file) of the index-th code entry's JSON object."""
    offset = value_offsets(block.text)[("oneOf", index)]
    _, end = json.JSONDecoder().raw_decode(block.text, offset)
    return block.start + offset, block.start + end


def next_code(codelist: CodeList, codelists: dict[str, CodeList], prefix: str = "") -> str:
    """The next free code: the highest code that starts with ``prefix`` (and has the same
    length), its trailing number plus one, zero-padded; checked against the list's rule."""
    similar = [c for c in codelist.codes if c.startswith(prefix) and re.search(r"[0-9]+$", c)]
    if prefix and not similar:
        digits = _trailing_digits(codelist.code_rule)
        candidate = prefix + "1".rjust(digits or 2, "0")
    elif not similar:
        raise AuthoringError("无法推断下一个代码：请用 --code 指定，或用 --prefix 给出前缀")
    else:
        width = max(len(c) for c in similar)
        top = max((c for c in similar if len(c) == width), key=_number_of)
        number = _number_of(top) + 1
        head = top[: len(top) - len(re.search(r"[0-9]+$", top).group())]
        candidate = head + str(number).rjust(width - len(head), "0")
    while candidate in codelist.by_code:  # a gap-free list never loops long
        candidate = next_code_after(candidate)
    rule = codelist.code_rule
    if rule is not None and rule.split(candidate, codelists) is None:
        raise AuthoringError(
            f"按前缀 {prefix or '（无）'} 推出的 {candidate} 不符合编码规则"
            f"（{rule.describe(codelists)}），请用 --code 指定"
        )
    return candidate


def _number_of(code: str) -> int:
    return int(re.search(r"[0-9]+$", code).group())


def next_code_after(code: str) -> str:
    digits = re.search(r"[0-9]+$", code).group()
    return code[: -len(digits)] + str(int(digits) + 1).rjust(len(digits), "0")


def _trailing_digits(rule: CodeRule | None) -> int | None:
    if rule is not None and rule.segments[-1].kind == "digits":
        return int(rule.segments[-1].value)
    return None


def add_code(
    config: Config,
    catalog: Catalog,
    key: str,
    title: str,
    code: str | None = None,
    prefix: str = "",
    parent: str | None = None,
    description: str = "",
) -> tuple[str, Path]:
    """Append one entry to code list ``key``; returns the code and the file written."""
    schema = codelist_schema(catalog, key)
    codelist = schema.codelist
    codelists = catalog.codelists
    if parent is not None and parent not in codelist.by_code:
        raise AuthoringError(f"上级代码 {parent} 不在代码表 {key} 中")
    if code is None:
        if not prefix and parent is not None:  # a child: its parent's letters (XS01 → XS)
            prefix = re.sub(r"[0-9]+$", "", parent)
        code = next_code(codelist, codelists, prefix)
    if code in codelist.by_code:
        entry = codelist.by_code[code]
        state = "（已停用，停用的代码不得再分配）" if entry.deprecated else ""
        raise AuthoringError(f"代码 {code} 已用于“{entry.title}”{state}")
    if codelist.code_rule is not None and codelist.code_rule.split(code, codelists) is None:
        words = codelist.code_rule.describe(codelists)
        raise AuthoringError(f"代码 {code} 不符合代码表 {key} 的编码规则（{words}）")
    entry: dict[str, object] = {"const": code, "title": title}
    if description:
        entry["description"] = description
    if parent is not None:
        entry["x-parent"] = parent
    block = block_text(catalog, schema)
    _, end = entry_span(block, len(codelist.entries) - 1)
    line_start = block.source.rfind("\n", 0, end) + 1
    indent = re.match(r"[ \t]*", block.source[line_start:]).group()
    line = json.dumps(entry, ensure_ascii=False, separators=(", ", ": "))
    text = block.source[:end] + f",\n{indent}{line}" + block.source[end:]
    apply_edit(config, block.path, text)
    return code, block.path


def deprecate_code(
    config: Config,
    catalog: Catalog,
    key: str,
    code: str,
    note: str = "",
    withdrawn: str | None = None,
) -> Path:
    """Mark one code deprecated (kept, never reassigned); ``note`` is added to its
    description (e.g. "2026 年 3 月撤销，职能并入 SH01"); ``withdrawn`` (YYYY-MM-DD, the
    last day of use) also writes ``x-withdrawn``: after it, data using the code is an error.
    A code already deprecated may still be given its withdrawal date."""
    schema = codelist_schema(catalog, key)
    codelist = schema.codelist
    if code not in codelist.by_code:
        raise AuthoringError(f"代码表 {key} 中没有代码 {code}")
    index = codelist.codes.index(code)
    entry = codelist.by_code[code]
    if withdrawn is not None and parse_date(withdrawn) is None:
        raise AuthoringError(f"撤销日期“{withdrawn}”不是有效日期，请写成 YYYY-MM-DD")
    if withdrawn is not None and entry.withdrawn is not None:
        raise AuthoringError(f"代码 {entry.label} 已有撤销日期 {entry.withdrawn}")
    if entry.deprecated and withdrawn is None:
        raise AuthoringError(f"代码 {entry.label} 已经停用")
    added = ("" if entry.deprecated else ', "deprecated": true') + (
        f', "x-withdrawn": "{withdrawn}"' if withdrawn else ""
    )
    block = block_text(catalog, schema)
    start, end = entry_span(block, index)
    raw = json.loads(block.source[start:end])
    if note:
        raw["description"] = "；".join(t for t in (raw.get("description", ""), note) if t)
        inner = json.dumps(raw, ensure_ascii=False, separators=(", ", ": "))[:-1]
        replacement = inner + added + "}"
    else:
        body = block.source[start:end].rstrip()
        replacement = body[:-1].rstrip() + added + "}"
    text = block.source[:start] + replacement + block.source[end:]
    apply_edit(config, block.path, text)
    return block.path


# ── new standards ───────────────────────────────────────────────────────────
def next_id(catalog: Catalog, kind: str) -> str:
    prefix = KIND_ID_PREFIX[kind]
    numbers = [
        int(s.id.rsplit("-", 1)[1])
        for s in catalog.standards
        if s.id.startswith(prefix + "-") and s.id.rsplit("-", 1)[1].isdigit()
    ]
    return f"{prefix}-{max(numbers, default=0) + 1:03d}"


def new_standard(
    config: Config,
    catalog: Catalog,
    kind: str,
    key: str,
    title: str,
    owner: str,
    category: str,
    reviewers: list[str],
    rule_prefix: str,
    on_team_missing: Callable[[str], None] = lambda code: None,
) -> Path:
    """Write a new standard from the skeleton of its kind; it passes ``check`` as written."""
    if kind not in KIND_FOLDERS:
        raise AuthoringError(f"kind 须为 {'、'.join(KIND_FOLDERS)}")
    if not re.match(r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$", key):
        raise AuthoringError(f"键 {key} 须为小写字母、数字和连字符，如 project")
    if key in catalog.schemas:
        raise AuthoringError(f"键 {key} 已被 {catalog.schemas[key].location.path.name} 使用")
    depts = catalog.codelists.get("department-code")
    for code in [owner, *reviewers]:
        if depts is not None and code not in depts.by_code:
            raise AuthoringError(f"部门代码 {code} 不在部门代码表中（可先运行 infostd add-code)")
        if config.teams and code not in config.teams:
            on_team_missing(code)
    categories = catalog.codelists.get("info-category")
    if categories is not None and category not in categories.by_code:
        raise AuthoringError(f"信息分类 {category} 不在信息分类代码表中")
    path = config.standards / KIND_FOLDERS[kind] / f"{key}.md"
    if path.exists():
        raise AuthoringError(f"{path} 已存在")
    writer = {"record": _record_text, "codelist": _codelist_text, "policy": _policy_text}[kind]
    front = {
        "id": next_id(catalog, kind),
        "title": title,
        "kind": kind,
        "category": category,
        "owner": owner,
        "reviewers": reviewers,
        "status": "draft",
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    apply_edit(config, path, writer(front, key, title, rule_prefix))
    return path


def _front_matter(front: dict, requirements: list[str]) -> str:
    lines = ["---"]
    for name, value in front.items():
        if isinstance(value, list):
            text = "[" + ", ".join(_yaml_scalar(v) for v in value) + "]"
        elif name == "category":  # always quoted: YAML reads 01.10 as a number
            text = json.dumps(value, ensure_ascii=False)
        else:
            text = _yaml_scalar(value)
        lines.append(f"{name}: {text}")
    if requirements:
        lines.append("requirements:")
        lines += [f"  - {r}" for r in requirements]
    lines.append("---")
    return "\n".join(lines) + "\n"


def _yaml_scalar(value: str) -> str:
    """Plain like the shipped front matter (``title: 客户信息数据标准``) when YAML reads it
    back as the same string, else double-quoted (JSON is YAML)."""
    plain = re.fullmatch(r"[A-Za-z\u4e00-\u9fff][\w\u4e00-\u9fff（）、-]*", value)
    return value if plain else json.dumps(value, ensure_ascii=False)


def _record_text(front: dict, key: str, title: str, prefix: str) -> str:
    name = title.removesuffix("数据标准").removesuffix("信息") or title
    field = f"{key.replace('-', '_')}_code"
    rid = f"{prefix}-01"
    requirement = {"id": rid, "text": f"{name}编码全公司唯一", "by": "validator"}
    requirement["rule"] = f"{key}.{field}:unique"
    register = json.dumps(requirement, ensure_ascii=False)  # a YAML flow mapping too
    schema = {
        "$id": f"{key}.schema.json",
        "title": f"{name}信息",
        "description": f"{name}，每行一条",
        "type": "object",
        "x-security-level": "L2",
        "properties": {
            field: {
                "title": f"{name}编码",
                "description": "4 位数字顺序号",
                "type": "string",
                "x-code-rule": {"segments": [{"digits": 4, "title": "顺序号"}]},
            },
            "name": {
                "title": f"{name}名称",
                "description": "全称",
                "type": "string",
                "minLength": 2,
                "maxLength": 100,
            },
        },
        "required": [field, "name"],
        "additionalProperties": False,
        "x-unique": [[field]],
        "x-lifecycle": {
            stage: {"who": "（待填写）"}
            for stage in ("collect", "store", "use", "archive", "dispose")
        },
        "examples": [{field: "0001", "name": f"示例{name}"}],
    }
    return (
        _front_matter(front, [register])
        + f"# {title}\n\n## 1 范围\n\n本标准规定了公司{name}信息的数据项、编码、采集、存储、使用共享和归档销毁要求。\n\n"
        "## 2 术语和定义\n\n（待填写）\n\n"
        f"## 3 数据项\n\n数据项的完整清单由门户根据本文末的数据结构自动生成。{name}编码全公司唯一（{rid}）。\n\n"
        "## 4 采集要求\n\n（待填写）\n\n## 5 存储与安全\n\n（待填写）\n\n"
        "## 6 使用与共享\n\n（待填写）\n\n## 7 归档与销毁\n\n（待填写）\n\n"
        "## 8 数据结构\n\n```json schema\n" + _house_json(schema) + "\n```\n"
    )


def _codelist_text(front: dict, key: str, title: str, prefix: str) -> str:
    name = title.removesuffix("代码表") or title
    schema_text = (
        "{\n"
        f'  "$id": "{key}.schema.json",\n'
        f'  "title": {json.dumps(name, ensure_ascii=False)},\n'
        f'  "description": {json.dumps(name + "的代码", ensure_ascii=False)},\n'
        '  "type": "string",\n'
        '  "x-code-rule": {"segments": [{"digits": 2, "title": "顺序号"}]},\n'
        '  "oneOf": [\n'
        f'    {{"const": "01", "title": {json.dumps("示例" + name, ensure_ascii=False)}}}\n'
        "  ]\n}"
    )
    return (
        _front_matter(front, [])
        + f"# {title}\n\n## 1 用途\n\n（待填写）\n\n## 2 编码规则\n\n代码为 2 位数字顺序号。\n\n"
        "## 3 维护\n\n停用的代码不删除，标记停用后保留，且不得再分配。\n\n"
        "## 4 代码\n\n```json schema\n" + schema_text + "\n```\n"
    )


def _policy_text(front: dict, key: str, title: str, prefix: str) -> str:
    rid = f"{prefix}-01"
    register = (
        f'{{id: {rid}, text: "（待填写的要求）", by: people, who: "（责任部门）", '
        'when: "（检查时点）", evidence: "（检查记录）"}'
    )
    return (
        _front_matter(front, [register])
        + f"# {title}\n\n## 1 范围\n\n（待填写）\n\n## 2 规范性引用文件\n\n（待填写）\n\n"
        f"## 3 术语和定义\n\n（待填写）\n\n## 4 要求\n\n（待填写的要求）（{rid}）\n\n"
        "## 5 职责\n\n（待填写）\n\n## 6 附则\n\n本办法由归口部门负责解释，自发布之日起施行。\n"
    )


def _house_json(value: object, depth: int = 0) -> str:
    """The shipped standards' layout: the block, ``properties``, each field and each
    lifecycle stage open on their own lines; everything deeper on one line."""
    pad = "  " * (depth + 1)
    if isinstance(value, dict) and depth < 3 and value:
        items = [
            f"{pad}{json.dumps(k, ensure_ascii=False)}: {_house_json(v, depth + 1)}"
            for k, v in value.items()
        ]
        return "{\n" + ",\n".join(items) + "\n" + "  " * depth + "}"
    if isinstance(value, list) and depth < 2 and value and isinstance(value[0], dict):
        items = [f"{pad}{_house_json(v, 3)}" for v in value]
        return "[\n" + ",\n".join(items) + "\n" + "  " * depth + "]"
    return json.dumps(value, ensure_ascii=False, separators=(", ", ": "))
