"""Portal build time: the shipped standards, then 100 and 200 synthetic record standards.

Each figure is a whole ``infostd build`` (load, schemas, templates, portal) in a
fresh process-free call, after one warm-up. Prints a line per case and, last,
one JSON object: {"shipped": {...}, "synthetic_100": {...}, "synthetic_200": {...},
"growth_200_vs_100": ratio}. Target: 200 standards in under 60 s, growth ≤ ~2.
"""

from __future__ import annotations

import json
import shutil
import sys
import tempfile
import time
from pathlib import Path

from click.testing import CliRunner

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from generators.cli import cli  # noqa: E402

RECORD = """---
id: BM-DS-{n:03d}
title: 第{n}号台账信息数据标准
kind: record
category: "01.01"
owner: XS01
status: released
---
# 第{n}号台账信息数据标准

本标准规定第{n}号台账的数据项、采集和存储要求，适用于财务管理、资产管理和客户服务。
字段定义见数据结构；代码取值见[地区代码](../codelists/region.md)。

```json schema
{{
  "$id": "ledger-{n:03d}.schema.json",
  "title": "第{n}号台账",
  "type": "object",
  "properties": {{
    "code": {{"title": "台账编码", "type": "string",
      "x-code-rule": {{"segments": [{{"codelist": "region", "title": "地区码"}}, {{"digits": 4}}]}}}},
    "name": {{"title": "名称", "type": "string", "minLength": 2, "maxLength": 50,
      "description": "全称，不得使用简称"}},
    "uscc": {{"title": "统一社会信用代码", "type": "string", "format": "cn-uscc"}},
    "mobile": {{"title": "联系人手机", "type": "string", "format": "cn-mobile", "x-sensitive": "personal"}},
    "region": {{"title": "地区", "$ref": "region.schema.json"}},
    "amount": {{"title": "金额（元）", "type": "number", "minimum": 0}},
    "signed_on": {{"title": "签订日期", "type": "string", "format": "date"}},
    "entered_on": {{"title": "录入日期", "type": "string", "format": "date"}}
  }},
  "required": ["code", "name", "region"],
  "additionalProperties": false,
  "x-unique": [["code"]],
  "x-rules": [{{"id": "BM-01", "type": "date-order", "start": "signed_on", "end": "entered_on",
    "message": "录入日期不得早于签订日期"}}]
}}
```
"""


def synthetic_project(folder: Path, count: int) -> Path:
    root = folder / f"synthetic-{count}"
    shutil.copytree(REPO / "tests" / "fixtures" / "mini", root / "standards")
    shutil.rmtree(root / "standards" / "records")
    (root / "standards" / "records").mkdir()
    for n in range(1, count + 1):
        (root / "standards" / "records" / f"ledger-{n:03d}.md").write_text(
            RECORD.format(n=n), encoding="utf-8"
        )
    shutil.copy(REPO / "mkdocs.yml", root / "mkdocs.yml")
    (root / "pyproject.toml").write_text(
        '[tool.infostd]\nbase_url = "https://example.test/schemas"\n', encoding="utf-8"
    )
    return root


def timed_build(root: Path, out: Path) -> float:
    start = time.perf_counter()
    result = CliRunner().invoke(cli, ["--root", str(root), "build", "-o", str(out)])
    elapsed = time.perf_counter() - start
    if result.exit_code != 0:
        raise SystemExit(f"构建失败：{root}\n{result.output}")
    return elapsed


def measure(name: str, root: Path, folder: Path) -> dict:
    pages = sum(1 for _ in (root / "standards").rglob("*.md"))
    timed_build(root, folder / f"{name}-warm")  # warm-up (jieba cache, imports)
    seconds = timed_build(root, folder / f"{name}-site")
    html_pages = sum(1 for _ in (folder / f"{name}-site").rglob("index.html"))
    figures = {
        "standards": pages,
        "html_pages": html_pages,
        "seconds": round(seconds, 2),
        "pages_per_second": round(html_pages / seconds, 1),
    }
    print(
        f"{name}: {pages} 个标准，{html_pages} 个页面，{seconds:.2f} 秒，"
        f"{html_pages / seconds:.1f} 页/秒"
    )
    return figures


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="site-bench-") as tmp:
        folder = Path(tmp)
        results = {"shipped": measure("shipped", REPO, folder)}
        for count in (100, 200):
            root = synthetic_project(folder, count)
            results[f"synthetic_{count}"] = measure(f"synthetic_{count}", root, folder)
        ratio = results["synthetic_200"]["seconds"] / results["synthetic_100"]["seconds"]
        results["growth_200_vs_100"] = round(ratio, 2)
        print(f"200 个标准耗时为 100 个的 {ratio:.2f} 倍（线性为 2.0）")
        print(json.dumps(results, ensure_ascii=False))


if __name__ == "__main__":
    main()
