"""The merge-request text ``infostd prepare`` drafts, in Chinese, following the project's
merge-request template: what changed, the bump with its reasons, who must review."""

from __future__ import annotations

from ..model import Catalog
from . import Comparison
from .diff import BUMP_NAMES

BUMP_HINTS = {
    "major": "已有数据可能不再合格：请在“对现有台账的影响”中写明受影响的部门、台账和过渡期。",
    "minor": "已有数据仍然合格。",
    "patch": "只改了文字、说明或示例。",
    "none": "标准没有变化。",
}


def merge_request_text(result: Comparison, catalog: Catalog, base: str) -> str:
    by_id = {s.id: s for s in catalog.standards}
    changed = list(dict.fromkeys(c.standard for c in result.changes))
    titles = "、".join(by_id[i].title if i in by_id else i for i in changed) or "无"
    depts = catalog.codelists.get("department-code")

    def dept(code: str) -> str:
        return depts.label(code) if depts else code

    lines = [
        f"# 标准变更：{titles}",
        "",
        "## 变更内容",
        "",
        "<!-- 为什么改；关联的变更申请或试点反馈。 -->",
        "",
    ]
    lines += [f"- {c.standard}：{c.message}（{c.bump}）" for c in result.changes] or ["- 无"]
    lines += [
        "",
        f"## 版本级别（相对 {base}）",
        "",
        f"**{result.bump}**（{BUMP_NAMES[result.bump]}）：{BUMP_HINTS[result.bump]}",
        "",
        "## 评审",
        "",
    ]
    for standard_id in changed:
        standard = by_id.get(standard_id)
        if standard is None:
            lines.append(f"- [ ] {standard_id}（已删除）：管理层批准")
            continue
        who = [dept(standard.owner or "")] + [dept(r) for r in standard.reviewers]
        lines.append(f"- [ ] {standard.title}：{'、'.join(w for w in who if w)} 批准")
    lines += [
        "- [ ] 法务审核：涉及个人信息、合同或合规要求的变更",
        "- [ ] 管理层批准：主版本变更或新增、撤销标准",
        "",
        "（由 infostd prepare 起草；infostd check 已通过，schemas/ 与 CODEOWNERS 已更新。）",
    ]
    return "\n".join(lines) + "\n"
