"""The in-browser validator page (在线校验): registered in the portal registry at import.

The page is plain HTML inside Markdown plus one ES module (``assets/validator/validator.mjs``)
that reads a picked or dropped ``.xlsx``/``.csv`` into rows (``xlsx.mjs`` with the vendored
fflate; CSV through the generated module's ``readBytes``) and renders what the generated
``infostd-validators.mjs`` reports. That module is generated from the catalog into the
site's assets by the plugin, so the page works in plain ``mkdocs build`` as well as in
``infostd build`` (same catalog and version: the same bytes as the download). No inline
script or style, no request but the page's own static files.
"""

from __future__ import annotations

import html
import json
import posixpath

from ..labels import RULE_NAMES
from .pages import (
    ASSETS,
    VALIDATOR_PAGE,
    GeneratedPage,
    PortalContext,
    StaticFile,
    page_path,
    register_page,
    register_static,
)

SCRIPTS = "assets/infostd/validator"
VENDORED = [
    "validator.mjs",
    "validator-worker.mjs",
    "read.mjs",
    "xlsx.mjs",
    "xml.mjs",
    "xlsx-write.mjs",
    "fflate.mjs",
    "fflate.LICENSE.txt",
]
MODULE = "infostd-validators.mjs"


# One findings table (errors, and again for warnings); the page script fills the body.
FINDINGS = """      <div class="infostd-scroll"><table class="infostd-findings">
        <thead><tr><th>行</th><th>列</th><th>字段</th><th>规则</th><th>说明</th><th>值</th></tr></thead>
        <tbody></tbody>
      </table></div>
      <p class="infostd-validator-more"></p>
"""
GROUPS = """      <div class="infostd-scroll"><table class="infostd-findings">
        <thead><tr><th>字段</th><th>规则</th><th>处数</th><th>行号</th></tr></thead>
        <tbody></tbody>
      </table></div>
"""


def page_links(ctx: PortalContext) -> dict[str, str]:
    """Each record's standard page, relative to the validator page (errors link their rule)."""
    page_dir = posixpath.splitext(VALIDATOR_PAGE)[0]
    links = {}
    for key, schema in ctx.catalog.records.items():
        target = page_path(ctx.catalog.standard_of(schema))
        links[key] = posixpath.relpath(target or ".", page_dir) + "/"
    return links


def validator_module(ctx: PortalContext) -> str:
    from ..codegen import JS_MODULE, plan_for, render

    return render(plan_for(ctx.catalog, ctx.version))[JS_MODULE]


def validator_page(ctx: PortalContext) -> str:
    # mkdocs serves tools/validator.md as tools/validator/index.html (directory URLs).
    page_dir = posixpath.splitext(VALIDATOR_PAGE)[0]
    script = posixpath.relpath(f"{SCRIPTS}/validator.mjs", page_dir)
    records = "、".join(s.title for s in ctx.catalog.records.values())
    data = {
        "rule-names": json.dumps(RULE_NAMES, ensure_ascii=False),
        "pages": json.dumps(page_links(ctx), ensure_ascii=False),
    }
    attributes = "".join(f' data-{k}="{html.escape(v)}"' for k, v in data.items())
    return f"""# 在线校验

选择或拖入填好的 Excel 模板（`.xlsx`）或 CSV 文件，立即查看哪些行、哪些单元格不符合标准。
可校验的数据：{records}。

!!! note "文件不会离开您的浏览器"
    校验完全在本机浏览器中进行：文件只在本页面内读取，不会上传到任何服务器，也不会保存。
    校验规则与 `infostd validate` 命令和下载的校验代码完全相同（标准版本 `{ctx.version}`）。

<div class="infostd-validator"{attributes} markdown="0">
  <label id="infostd-drop" class="infostd-validator-drop" for="infostd-file">
    <span>把文件拖到这里，或点击选择文件（.xlsx、.csv；CSV 支持 UTF-8、带 BOM 的 UTF-8 和 GB18030 编码）</span>
    <input id="infostd-file" type="file" accept=".xlsx,.xlsm,.csv,.txt">
  </label>
  <p class="infostd-validator-options">
    <label for="infostd-lang">报告语言</label>
    <select id="infostd-lang"><option value="zh" selected>中文</option><option value="en">English</option></select>
    <span class="infostd-validator-version">校验代码版本 <code id="infostd-version">{html.escape(ctx.version)}</code></span>
  </p>
  <progress id="infostd-progress" max="1" value="0" aria-label="校验进度" hidden></progress>
  <p id="infostd-summary" role="status" aria-live="polite"></p>
  <p id="infostd-problem" class="infostd-validator-problem" role="alert" hidden></p>
  <div id="infostd-results" hidden>
    <p class="infostd-validator-actions"><button id="infostd-marked" type="button" class="md-button md-button--primary">下载标红的 Excel</button>
    <button id="infostd-download" type="button" class="md-button">下载校验结果（CSV）</button></p>
    <section id="infostd-groups" hidden>
      <h2>按字段和规则汇总</h2>
{GROUPS}    </section>
    <section id="infostd-errors">
      <h2>逐条错误</h2>
{FINDINGS}    </section>
    <section id="infostd-warnings" hidden>
      <h2>提醒（不影响通过）</h2>
{FINDINGS}    </section>
  </div>
  <noscript>在线校验需要启用 JavaScript；也可以使用命令 <code>infostd validate 文件.xlsx</code>。</noscript>
</div>

<script type="module" src="{script}"></script>

个人信息（联系人、手机号等）在结果中脱敏显示。“下载标红的 Excel”把有错的单元格标红，
并在最后一列写明每行的问题；需要带批注的报告时，也可使用命令
`infostd validate 文件.xlsx --format xlsx -o 校验报告.xlsx`。
"""


register_page(GeneratedPage(VALIDATOR_PAGE, "在线校验", validator_page, section="工具"))
for _name in VENDORED:
    register_static(StaticFile(f"{SCRIPTS}/{_name}", ASSETS / "validator" / _name))
register_static(StaticFile(f"{SCRIPTS}/{MODULE}", content=validator_module))
