"""YAML data files read safely, with the line of every value (for located errors).

Release records and approvals are committee data: they are composed with PyYAML's
safe composer (no tags that build objects), turned into plain values here, and
validated against a closed JSON Schema. Dates stay the text the author wrote
(``2026-11-20``), so the schema decides what a date is, not YAML's resolver.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from jsonschema import Draft202012Validator

from ..model import Location, StandardError

MAX_BYTES = 1_000_000  # a release record or request is a few KB; refuse anything absurd
Lines = dict[tuple, int]  # JSON path → 1-based line


class YamlProblem(Exception):
    def __init__(self, error: StandardError):
        super().__init__(str(error))
        self.error = error


def read_yaml(path: Path) -> tuple[Any, Lines]:
    """The data of one YAML file and the line of each value; ``YamlProblem`` when unusable."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise YamlProblem(StandardError(Location(path, 1), f"无法读取（{exc.strerror}）")) from None
    if len(raw) > MAX_BYTES:
        raise YamlProblem(StandardError(Location(path, 1), "文件过大（超过 1 MB）"))
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise YamlProblem(StandardError(Location(path, 1), "不是 UTF-8 文本")) from None
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark else 1
        reason = getattr(exc, "problem", None) or str(exc)
        raise YamlProblem(
            StandardError(Location(path, line), f"YAML 格式错误（{reason}）")
        ) from None
    lines: Lines = {}
    if node is None:
        return None, lines
    return _value(node, (), lines, path), lines


PLAIN_TAGS = {
    f"tag:yaml.org,2002:{t}"
    for t in ("str", "int", "float", "bool", "null", "timestamp", "map", "seq")
}


def _value(node: yaml.Node, at: tuple, lines: Lines, path: Path) -> Any:
    lines[at] = node.start_mark.line + 1
    if node.tag not in PLAIN_TAGS:  # !!python/object and friends: data, never objects
        where = Location(path, node.start_mark.line + 1)
        raise YamlProblem(StandardError(where, f"YAML 格式错误（不支持的标签 {node.tag}）"))
    if isinstance(node, yaml.MappingNode):
        out: dict[str, Any] = {}
        for key_node, value_node in node.value:
            key = key_node.value if isinstance(key_node, yaml.ScalarNode) else None
            if not isinstance(key, str):
                where = Location(path, key_node.start_mark.line + 1)
                raise YamlProblem(StandardError(where, "键必须是文本"))
            if key in out:
                where = Location(path, key_node.start_mark.line + 1)
                raise YamlProblem(StandardError(where, f"键 {key} 重复"))
            out[key] = _value(value_node, (*at, key), lines, path)
        return out
    if isinstance(node, yaml.SequenceNode):
        return [_value(item, (*at, i), lines, path) for i, item in enumerate(node.value)]
    return _scalar(node)


def _scalar(node: yaml.ScalarNode) -> Any:
    tag = node.tag.rsplit(":", 1)[-1]
    if tag == "null":
        return None
    if tag == "bool":
        return node.value.lower() in ("true", "yes", "on")
    if tag == "int":
        try:
            return int(node.value.replace("_", ""), 0)
        except ValueError:
            return node.value
    if tag == "float":
        try:
            return float(node.value)
        except ValueError:
            return node.value
    return node.value  # str, and timestamps kept as written


def schema_problems(data: Any, lines: Lines, schema: dict, path: Path) -> list[StandardError]:
    """Every violation of ``schema``, at the line of the offending value, in Chinese."""
    validator = Draft202012Validator(schema)
    problems = []
    for error in sorted(validator.iter_errors(data), key=lambda e: list(map(str, e.path))):
        at = tuple(error.absolute_path)
        if error.validator == "additionalProperties" and isinstance(error.instance, dict):
            known = error.schema.get("properties", {})
            for key in (k for k in error.instance if k not in known):
                where = Location(path, lines.get((*at, key), lines.get(at, 1)))
                allowed = "、".join(known) or "无"
                problems.append(StandardError(where, f"不认识的键 {key}（可用：{allowed}）"))
            continue
        line = lines.get(at) or lines.get(at[:-1]) or 1
        problems.append(StandardError(Location(path, line), _message(error, at)))
    return problems


def _message(error, at: tuple) -> str:
    where = ".".join(str(p) for p in at) or "（根）"
    v = error.validator
    if v == "required":
        missing = error.message.split("'")[1] if "'" in error.message else error.message
        return f"{where}：缺少 {missing}"
    if v == "enum":
        allowed = "、".join(str(x) for x in error.validator_value)
        return f"{where}：取值 {error.instance!r} 不在 {allowed} 之中"
    if v == "pattern":
        return f"{where}：{error.instance!r} 格式不对（应符合 {error.validator_value}）"
    if v == "type":
        names = {"string": "文本", "integer": "整数", "array": "列表", "object": "映射"}
        wanted = error.validator_value
        wanted = [wanted] if isinstance(wanted, str) else wanted
        return f"{where}：应为{'或'.join(names.get(w, w) for w in wanted)}"
    if v == "minItems":
        return f"{where}：至少要有 {error.validator_value} 项"
    if v in ("minimum", "maximum", "minLength", "maxLength"):
        return f"{where}：{error.instance!r} 超出允许范围"
    return f"{where}：{error.message}"
