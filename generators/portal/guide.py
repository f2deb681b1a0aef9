"""编写指南: the committee's guide in the portal. Recipes for everyday edits, the pitfalls,
and a keyword reference generated from ``vocabulary.py`` (so a new keyword cannot be
undocumented: a test walks every position)."""

from __future__ import annotations

from .. import vocabulary
from .pages import GeneratedPage, PortalContext, register_page
from .render import md_text

SECTION = "编写指南"
RECIPES_PAGE = "guide/index.md"
KEYWORDS_PAGE = "guide/keywords.md"

RECIPES = """\
本指南写给标准委员会的委员：会用 Word、Excel 和浏览器，能按步骤使用 git。每个步骤都在项目目录中运行，
命令的中文提示会说明下一步。所有修改都在自己的分支上进行，最后用 `infostd prepare` 准备合并请求。

## 开始之前

```bash
bash scripts/setup.sh      # 第一次：安装工具（结束时显示“环境已就绪”）
git checkout -b 修改说明     # 每次修改新建一个分支
```

## 常见任务

### 新增一个部门代码

```bash
.venv/bin/infostd add-code department-code --title 西南销售分部 --parent XS01
```

不写 `--code` 时，工具按代码表的编码规则提议下一个空闲代码（上级为 XS01 时在 XS 开头的代码中取下一个，如 XS04）。
写了 `--code` 时，工具检查它是否符合编码规则、是否已被使用（停用的代码也不得再分配）。

### 停用一个撤销的部门

```bash
.venv/bin/infostd deprecate department-code SJ01 --note "2026 年 3 月撤销，职能并入 CW01" --withdrawn 2026-03-31
```

代码保留在代码表中并标记停用：模板不再提供。`--withdrawn` 写明撤销日期（该代码可以使用的最后一天，写入
`"x-withdrawn"`）：此后仍使用该代码的数据校验报错，之前只是警告；校验撤销前的历史数据时用
`infostd validate --as-of 日期`。不写撤销日期时，使用该代码的数据一直只是警告。**不要删除代码**：已发布且未停用的代码被删除或改名时，
`infostd check` 会拒绝。部门只是更名时，直接改 `title`，并把原名称写入 `"x-aliases": ["原名称"]`。

### 给记录增加一个非必填的字段（如 客户官网）

在记录标准末尾的 `json schema` 块的 `properties` 中，照着相邻字段加一项（注意上一项后面的逗号）：

```json
"website": {
  "title": "客户官网",
  "description": "客户官方网站地址，可不填",
  "type": "string",
  "format": "url"
},
```

不要把它加入 `required`（加入即为必填，属于主版本变更）。网址、手机号、身份证号等请用 `format`，不要自己写正则。

### 在 Excel 中编辑字段或代码

```bash
.venv/bin/infostd sheet export customer -o 客户字段.xlsx          # 记录：每行一个字段
.venv/bin/infostd sheet export department-code -o 部门代码.xlsx   # 代码表：每行一个代码
```

用 Excel 打开，改单元格、增加或删除行、调整行的顺序。类型、格式、代码表、敏感等列从下拉列表中选择；
可选值、示例、别名等多个值用“、”分隔；表格列容纳不下的写法（如 `exclusiveMinimum`）在“其他（JSON）”列，
一般不必修改。保存后写回标准：

```bash
.venv/bin/infostd sheet import 客户字段.xlsx
```

写回前工具逐格检查，并按 `infostd check` 检查修改后的标准。有问题时逐条指出工作表、单元格和列名，
如 `工作表“字段”E17（格式）：“uri”不在下拉列表中（是否应为“url 网址”？）`，标准文件不作任何改动。
通过后只改动 schema 块中改过的部分，正文和其余排版保持原样；什么都没改时文件一个字节也不变。
导出之后如果有人改过同一个标准，工具会请你重新导出再改，以免覆盖别人的修改。

### 允许两种写法（如 手机号或境外号码）

联系人手机既可以是中国大陆手机号，也可以是港澳台号码时，把字段的 `format` 换成 `anyOf`，列出每一种写法，
值符合其中任一种即为合格：

```json
"mobile": {
  "title": "联系人手机",
  "type": "string",
  "anyOf": [
    {"format": "cn-mobile"},
    {"title": "港澳台手机号", "pattern": "^\\+(852|853)[0-9]{8}$|^\\+886[0-9]{9}$"}
  ]
},
```

每一项写 `format` 或 `pattern`，可再加 `minLength`、`maxLength`；用 `pattern` 的项请加 `title` 说明它是什么，
报告和模板提示就会写“应为中国大陆手机号或港澳台手机号”，而不是正则。原有的写法保留为其中一项、只增加新的写法，
已有数据仍然合格，是次版本变更；删去某一项、或给原来不限格式的字段加 `anyOf`，是主版本变更。

### 新建一个数据标准（如 项目信息）

```bash
.venv/bin/infostd new record project --title 项目信息数据标准 --owner XX01 --category 02.01 --reviewer CW01 --rule-prefix XM
```

工具写好前置信息、各章标题、一个能通过检查的数据结构和要求登记（状态为草案）。然后补全“（待填写）”，
按需增加字段；编码规则写 `x-code-rule`，“结束日期不得早于开始日期”写一条 `date-order` 规则（见[关键字参考](keywords.md)）。
新的归口或评审部门还没有评审团队时，工具会提示在 `pyproject.toml` 的 `[tool.infostd.teams]` 中加一行。

### 新建代码表或管理制度

```bash
.venv/bin/infostd new codelist project-type --title 项目类型代码表 --owner XX01 --category 03.03.02
.venv/bin/infostd new policy archive --title 档案管理办法 --owner XX01 --category 03.03.01
```

### 准备合并请求

```bash
.venv/bin/infostd prepare -o 合并请求.md
git add -A && git commit -m "新增项目信息数据标准" && git push
```

`prepare` 重新生成 `schemas/` 和 CODEOWNERS、运行全部检查、给出相对 main 分支的版本级别
（主版本：已有数据可能不再合格；次版本：已有数据仍合格；修订：只改文字），并起草中文的合并请求说明，
列出每个修改过的标准需要哪些部门批准。

## 常见错误

- **JSON 的逗号**：每项之间要有逗号，最后一项后面不能有逗号。错误提示会给出行号和列号。
- **正则中的反斜杠**：JSON 中 `\\d` 须写成 `\\\\d`。能用 `format` 或 `x-code-rule` 时不要写正则：读者在门户、模板和报告中看到的是文字说明，而不是正则。
- **“多选一”写 `anyOf`**：字段允许几种写法时用 `anyOf`（见上文），不要写 `oneOf`（它只用于代码表列出代码），也不要在同一字段上同时写 `format`/`pattern` 和 `anyOf`。
- **分类代码要加引号**：`category: "01.10"`，否则 YAML 会把它读成数字 1.1。
- **代码不能删除或挪用**：停用（`infostd deprecate`）而不是删除；更名时保留原名称为 `x-aliases`。
- **必填与收紧是主版本**：把字段改为必填、缩短长度、收紧格式，都会让已有数据不合格，需要写明对现有台账的影响。
- **示例要合法**：`examples` 中的每条数据都会按本标准校验；示例中不要使用已停用的代码。
- **链接用相对路径**：如 `[采集办法](../policies/collection.md)`；写错时 `check` 会提示最接近的文件名。
"""


def recipes_page(ctx: PortalContext) -> str:
    return f"# 编写指南\n\n{RECIPES}"


def _table(headers: list[str], rows: list[list[str]]) -> list[str]:
    lines = ["| " + " | ".join(headers) + " |", "|" + " --- |" * len(headers)]
    lines += ["| " + " | ".join(md_text(cell) for cell in row) + " |" for row in rows]
    return lines


def keywords_page(ctx: PortalContext) -> str:
    """Every keyword of the vocabulary, each format and rule type, in words."""
    docs = vocabulary.KEYWORD_DOCS
    lines = [
        "# 关键字参考",
        "",
        "本页由工具根据允许使用的关键字自动生成：标准中只能使用这里列出的关键字，写错时 `infostd check` 会提示最接近的写法。",
        "",
        "## 关键字",
        "",
    ]
    missing = ("（未写说明）", "", "")  # tests/test_guide.py fails until it is written
    rows = [[k, *docs.get(k, missing)] for k in vocabulary.every_keyword()]
    lines += _table(["关键字", "含义", "示例", "在模板和报告中"], rows)
    lines += ["", "## 格式（format）", ""]
    rows = [[name, *vocabulary.FORMAT_DOCS.get(name, missing[:2])] for name in vocabulary.FORMATS]
    lines += _table(["format", "含义", "示例"], rows)
    lines += ["", "## 跨字段规则（x-rules 的 type）", ""]
    rows = [
        [name, *vocabulary.RULE_DOCS.get(name, missing[:2])]
        for name in sorted(vocabulary.RULE_TYPES)
    ]
    lines += _table(["type", "含义", "示例"], rows)
    return "\n".join(lines) + "\n"


register_page(GeneratedPage(RECIPES_PAGE, "编写指南", recipes_page, section=SECTION))
register_page(GeneratedPage(KEYWORDS_PAGE, "关键字参考", keywords_page, section=SECTION))
