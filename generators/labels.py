"""Chinese names of the model's enumerations, shared by every generator (portal, Excel, reports)."""

from __future__ import annotations

KIND_LABELS = {"record": "数据标准", "codelist": "代码表", "policy": "管理制度", "guide": "指南"}
STATUS_LABELS = {
    "draft": "草案",
    "comment": "征求意见",
    "pilot": "试行",
    "released": "正式施行",
    "deprecated": "废止",
}
TYPE_LABELS = {
    "string": "文本",
    "integer": "整数",
    "number": "数值",
    "boolean": "是/否",
    "date": "日期",
    "date-time": "日期时间",
}
SENSITIVITY_LABELS = {"personal": "个人信息", "sensitive-personal": "敏感个人信息"}
