"""Helpers for the generated-validator tests: generate, import the Python module,
and run the ES module under node (one node process per batch, for speed)."""

from __future__ import annotations

import importlib.util
import json
import shutil
import subprocess
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from generators import checkplan, codegen
from generators.model import Catalog, Rule, field_codelist
from generators.rules import RuleContext, code_segment

NODE = shutil.which("node")
needs_node = pytest.mark.skipif(NODE is None, reason="node 未安装（scripts/test.sh 会安装 nodejs）")

# Messages for tests that do not need the validator's wording: same ids, short texts.
TEST_MESSAGES: dict[str, dict[str, str]] = {
    "required": {"zh": "{title}必填", "en": "{title} is required"},
    "type": {"zh": "{title}类型应为 {value}", "en": "{title}: wrong type {value}"},
    "format": {"zh": "{title}格式错误：{value}", "en": "{title}: malformed {value}"},
    "rule": {"zh": "{message}（规则 {id}）", "en": "Rule {id} is broken: {message}"},
    "code-rule": {"zh": "{title}编码错误：{problem}", "en": "{title}: {problem}"},
    "code-rule:segment": {"zh": "第 {position} 段“{part}”", "en": "segment {position} {part}"},
    "code-rule:length": {"zh": "第 {position} 段长度", "en": "segment {position} length"},
    "code-rule:extra": {"zh": "多出“{part}”", "en": "extra {part}"},
    "code-rule:missing": {"zh": "缺第 {position} 段", "en": "missing {position}"},
    "unique": {"zh": "与第 {first_row} 行重复", "en": "repeats row {first_row}"},
    "foreign-key": {"zh": "{value} 不在 {target}", "en": "{value} not in {target}"},
    "additionalProperties": {"zh": "未知列 {column}", "en": "unknown column {column}"},
}


def generate_into(catalog: Catalog, out: Path, messages: dict | None = None) -> dict[str, Path]:
    plan = checkplan.build_plan(catalog, "1.2.3+test", messages or TEST_MESSAGES)
    out.mkdir(parents=True, exist_ok=True)
    paths = {}
    for name, text in codegen.render(plan).items():
        (out / name).write_text(text, encoding="utf-8")
        paths[name] = out / name
    return paths


def import_module(path: Path) -> ModuleType:
    name = f"infostd_validators_{abs(hash(str(path)))}"
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def run_node(module: Path, body: str, data: Any) -> Any:
    """Run ``body`` (an async function body with ``v`` = the module and ``data``) under node;
    whatever it returns comes back through JSON."""
    script = (
        f"import * as v from {json.dumps(module.resolve().as_uri())};\n"
        "const data = JSON.parse(require_stdin());\n"
        f"const result = await (async () => {{ {body} }})();\n"
        "process.stdout.write(JSON.stringify(result));\n"
    ).replace("require_stdin()", '(await import("node:fs")).readFileSync(0, "utf8")')
    done = subprocess.run(
        [NODE or "node", "--input-type=module", "-e", script],
        input=json.dumps(data, ensure_ascii=False),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def swapped_moments(schema, params: dict, example: dict) -> dict:
    """The example with its end a day before its start (valid moments, dated after any
    effective date), so the rule itself is what breaks."""

    def moment(key: str, day: str) -> str:
        return day if schema.field_by_key[key].type == "date" else f"{day} 10:00"

    return {**example, params["start"]: moment(params["start"], "2030-01-02"),
            params["end"]: moment(params["end"], "2030-01-01")}  # fmt: skip


def broken_rows(catalog: Catalog, key: str, rule: Rule) -> list[dict]:
    """The first example of record ``key`` changed so that ``rule`` (any kind) fails:
    the shared differential corpus of every engine's test."""
    schema = catalog.records[key]
    example, p = schema.examples[0], rule.params
    if "start" in p:  # date-order, max-interval, max-workdays: the end a day before
        return [swapped_moments(schema, p, example)]
    if rule.type == "required-if":
        return [{**example, p["when"]["field"]: p["when"]["equals"], p["field"]: ""}]
    if rule.type == "required-any":
        return [{**example, **dict.fromkeys(p["fields"], "")}]
    if rule.type == "segment-equals":  # the other field: another valid value than the part
        ctx = RuleContext(schema, catalog.codelists)
        part = code_segment(rule, example, ctx)
        other = schema.field_by_key[p["equals"]]
        choices = field_codelist(other, catalog.codelists).codes if other.codelist else ["X9"]
        return [{**example, p["equals"]: next(c for c in choices if c != part)}]
    raise AssertionError(f"no defect for rule kind {rule.type}: add one here")
