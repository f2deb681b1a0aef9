"""Hand-written messy ledgers for the audit tests, as departments keep them:
title rows, merged and two-row headers, blank rows, totals rows, notes, extra
columns, department-specific values, a second sheet of prose, GB18030 CSV."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl

from generators.formats import uscc_check_char


def uscc(body17: str) -> str:
    return body17 + uscc_check_char(body17)


BEIJING = uscc("91110108MA01ABCD2")  # 北京示例科技有限公司
SHANGHAI = uscc("91310115MA1K3XY10")  # 上海某贸易有限公司
GUANGZHOU_BAD = uscc("91440101MA59ABCD1")[:-1] + "0"  # wrong check digit
SHENZHEN = uscc("91440300MA5F00012")  # only in after-sales


def sales_ledger(folder: Path) -> Path:
    """销售部客户台账: title row, header on row 3, VIP/普通客户/重点客户, a duplicate,
    a blank row, a totals row, an extra 序号 column and a prose sheet."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "客户档案"
    ws["A1"] = "销售部客户台账（2025年）"
    ws.merge_cells("A1:I1")
    ws["A2"] = "单位：元"
    header = [
        "序号",
        "客户编号",
        "单位名称",
        "税号",
        "客户类别",
        "联系电话",
        "所在地区",
        "授信额度（元）",
        "备注",
    ]
    ws.append(header)
    rows = [
        [
            1,
            "110001",
            "北京示例科技有限公司",
            BEIJING,
            "VIP",
            "13800138000",
            "北京市",
            50000,
            "老客户",
        ],
        [
            2,
            "310001",
            "上海某贸易有限公司",
            SHANGHAI,
            "普通客户",
            "13912345678",
            "上海市",
            "20,000",
            None,
        ],
        [
            3,
            "440001",
            "广州某制造有限公司",
            GUANGZHOU_BAD,
            "重点客户",
            "1381234",
            "广东省",
            10000,
            None,
        ],
        [None] * 9,
        [
            4,
            "110002",
            "北京示例科技有限公司",
            BEIJING,
            "VIP",
            "13800138000",
            "北京市",
            50000,
            "重复录入",
        ],
        [
            5,
            "310002",
            "上海新客户有限公司",
            uscc("91310104MA1FR0012"),
            "黑名单",
            None,
            "上海市",
            0,
            None,
        ],
        ["合计", None, None, None, None, None, None, 130000, None],
    ]
    for row in rows:
        ws.append(row)
    notes = wb.create_sheet("说明")
    notes["A1"] = "本台账由销售部维护，每月更新。"
    path = folder / "销售部客户台账.xlsx"
    wb.save(path)
    return path


def service_ledger(folder: Path) -> Path:
    """售后服务部客户名单: a two-row header (merged groups over sub-headers),
    different names for the same fields, values that disagree with sales."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "客户名单"
    ws["A1"] = "基本信息"
    ws.merge_cells("A1:C1")
    ws["D1"] = "联系方式"
    ws.merge_cells("D1:D1")
    ws["E1"] = "地区"
    ws.merge_cells("E1:E2")
    ws["F1"] = "登记日期"
    ws.merge_cells("F1:F2")
    ws.append(["客户名称", "信用代码", "客户等级", "手机"])
    rows = [
        [
            "北京示例科技有限公司",
            BEIJING,
            "一般客户",
            "13900001111",
            "北京市",
            dt.datetime(2024, 3, 1),
        ],
        [
            "上海某贸易有限公司",
            SHANGHAI,
            "普通客户",
            "13912345678",
            "上海市",
            dt.datetime(2024, 5, 6),
        ],
        [
            "深圳某电子有限公司",
            SHENZHEN,
            "潜在客户",
            "13711112222",
            "广东省",
            dt.datetime(2025, 1, 2),
        ],
    ]
    for row in rows:
        ws.append(row)
    path = folder / "售后服务部客户名单.xlsx"
    wb.save(path)
    return path


def contract_ledger(folder: Path) -> Path:
    """合同台账: two title rows, a note, a totals row at the bottom."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "合同"
    ws["A1"] = "合同管理台账"
    ws.merge_cells("A1:E1")
    ws["A2"] = "填报部门：法务部"
    ws.merge_cells("A2:E2")
    ws.append(["合同编号", "客户编码", "签订时间", "录入时间", "合同金额（元）"])
    ws.append(["HT0001", "110001", "2025-03-01 10:00", "2025-03-01 18:00", 100000])
    ws.append(["HT0002", "310001", "2025-03-02 09:00", "2025-03-05 09:00", 50000])
    ws.append(["合计", None, None, None, 150000])
    ws.append(["制表：王五"])
    path = folder / "合同台账.xlsx"
    wb.save(path)
    return path


def gb18030_csv(folder: Path) -> Path:
    """A customer list exported from an old system: GB18030, header on line 1."""
    text = (
        "公司名称,统一社会信用代码,地区\n"
        f"北京示例科技有限公司,{BEIJING},北京市\n"
        f"广州某制造有限公司,{GUANGZHOU_BAD},广东省\n"
    )
    path = folder / "旧系统客户.csv"
    path.write_bytes(text.encode("gb18030"))
    return path


# ── ledgers for the shipped customer standard (standards/records/customer.md) ──

SHIPPED_SALES_COLUMNS = {
    "客户编号": "customer_code",
    "单位名称": "name",
    "税号": "uscc",
    "单位性质": "customer_type",
    "行业": "industry",
    "所在省份": "region",
    "联系人": "contact_name",
    "手机号": "mobile",
    "客户等级": "value_grade",
    "授信额度（元）": "credit_limit",
    "所属部门": "owner_dept",
    "序号": None,
    "内部说明": None,
}

SHIPPED_SERVICE_COLUMNS = {
    "客户名称": "name",
    "信用代码": "uscc",
    "联系人姓名": "contact_name",
    "联系电话": "mobile",
    "客户级别": "value_grade",
    "地区": "region",
    "建档日期": "registered_on",
}


def shipped_sales_ledger(folder: Path) -> Path:
    """销售部客户台账 for the shipped standard: the sales department's own words
    (单位性质 企业, 客户等级 VIP/重点客户/普通客户, 所在省份 北京)."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "客户档案"
    ws["A1"] = "销售部客户台账"
    ws.merge_cells("A1:M1")
    ws.append(list(SHIPPED_SALES_COLUMNS)[-2:-1] + list(SHIPPED_SALES_COLUMNS)[:-2] + ["内部说明"])
    ws.append(
        [
            1,
            "110001",
            "北京示例科技有限公司",
            BEIJING,
            "企业",
            "软件和信息技术服务业",
            "北京",
            "张伟",
            "13800138000",
            "VIP",
            500000,
            "销售部",
            "老客户",
        ]
    )
    ws.append(
        [
            2,
            "310001",
            "上海某贸易有限公司",
            SHANGHAI,
            "企业客户",
            "批发业",
            "上海市",
            "李娜",
            "13912345678",
            "重点客户",
            "200,000",
            "华东销售分部",
            None,
        ]
    )
    ws.append([None] * 13)
    ws.append(
        [
            3,
            "440001",
            "广州某制造有限公司",
            GUANGZHOU_BAD,
            "企业客户",
            "批发业",
            "广东",
            "陈强",
            "1381234",
            "普通客户",
            0,
            "华南销售分部",
            None,
        ]
    )
    ws.append(["合计", None, None, None, None, None, None, None, None, None, 700000, None, None])
    path = folder / "销售部客户台账.xlsx"
    wb.save(path)
    return path


def shipped_service_ledger(folder: Path) -> Path:
    """售后服务部客户名单: a two-row header, A/B/C grades, other contacts."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "客户名单"
    ws["A1"] = "客户信息"
    ws.merge_cells("A1:B1")
    ws["C1"] = "联系方式"
    ws.merge_cells("C1:D1")
    for col, title in (("E", "客户级别"), ("F", "地区"), ("G", "建档日期")):
        ws[f"{col}1"] = title
        ws.merge_cells(f"{col}1:{col}2")
    ws.append(["客户名称", "信用代码", "联系人姓名", "联系电话"])
    ws.append(
        [
            "北京示例科技有限公司",
            BEIJING,
            "王芳",
            "13900001111",
            "B",
            "北京市",
            dt.datetime(2024, 3, 1),
        ]
    )
    ws.append(
        [
            "上海某贸易有限公司",
            SHANGHAI,
            "李娜",
            "13912345678",
            "B",
            "上海市",
            dt.datetime(2024, 5, 6),
        ]
    )
    ws.append(
        [
            "深圳某电子有限公司",
            SHENZHEN,
            "赵六",
            "13711112222",
            "C",
            "广东省",
            dt.datetime(2025, 1, 2),
        ]
    )
    path = folder / "售后服务部客户名单.xlsx"
    wb.save(path)
    return path
