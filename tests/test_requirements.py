"""The requirement register: declared once with how it is enforced, cited in prose,
enforced by something real — ``infostd check`` says where it is not."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from generators.cli import cli
from generators.config import load_config
from generators.loader import load_catalog
from generators.portal.pages import PortalContext
from generators.portal.requirements_page import requirements_page, standard_requirements

from .conftest import CATALOG, make_project

GOOD = [
    '  - {id: CT-01, text: "合同签订后 24 小时内录入", by: validator, rule: CT-01}',
    '  - {id: TC-01, text: "客户编码唯一", by: validator, rule: "customer.customer_code:unique"}',
    '  - {id: TC-02, text: "地区从下拉列表选择", by: template, field: "customer.region"}',
    '  - {id: TC-03, text: "每月核对", by: people, who: 信息部, when: 每月, evidence: 核对记录}',
    '  - {id: TC-04, text: "术语统一", by: check, check: glossary}',
]
CITES = "合同 CT-01；编码 TC-01；地区 TC-02；核对 TC-03；术语 TC-04。"


def project(tmp_path: Path, entries: list[str], prose: str = CITES) -> Path:
    root = make_project(tmp_path)
    path = root / "standards" / "records" / "customer.md"
    text = path.read_text(encoding="utf-8")
    text = text.replace(
        "status: released\n", "status: released\nrequirements:\n" + "\n".join(entries) + "\n", 1
    )
    text = text.replace("见[地区代码](../codelists/region.md)。", prose, 1)
    path.write_text(text, encoding="utf-8")
    return root


def check(root: Path) -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["--root", str(root), "check"])
    assert "Traceback" not in result.output
    return result.exit_code, result.output


def test_a_kept_register_passes_and_counts(tmp_path: Path) -> None:
    root = project(tmp_path, GOOD)
    code, output = check(root)
    assert code == 0, output
    catalog = load_catalog(config=load_config(root))
    (standard,) = [s for s in catalog.standards if s.requirements]
    assert [r.by for r in standard.requirements] == [
        "validator",
        "validator",
        "template",
        "people",
        "check",
    ]
    page = requirements_page(PortalContext(catalog, root, "1.0.0"))
    assert '<span id="tc-03"></span>`TC-03`' in page
    assert "由工具执行 4 项，由人工执行 1 项" in page
    assert "人工：信息部；每月；证据：核对记录" in page


@pytest.mark.parametrize(
    ("entries", "prose", "line", "message"),
    [
        (GOOD, CITES + "另见 TC-09。", 18, "正文引用的要求 TC-09 没有登记"),
        (GOOD, CITES.replace("核对 TC-03；", ""), 13, "要求 TC-03 已登记，但正文中没有引用"),
        (
            [
                *GOOD[:1],
                '  - {id: TC-01, text: "编码唯一", by: validator, rule: "customer.name:unique"}',
                *GOOD[2:],
            ],
            CITES,
            11,
            "要求 TC-01 标为由校验工具执行，但字段 customer.name:unique 没有唯一性约束",
        ),
        (
            [
                *GOOD[:1],
                '  - {id: TC-01, text: "编码唯一", by: validator, rule: "XX-99"}',
                *GOOD[2:],
            ],
            CITES,
            11,
            "没有编号为 XX-99 的校验规则",
        ),
        ([*GOOD, GOOD[1]], CITES, 15, "要求编号 TC-01 重复"),
        (
            [*GOOD[:3], '  - {id: TC-03, text: "每月核对", by: people, who: 信息部}', GOOD[4]],
            CITES,
            13,
            "前置信息",
        ),
        (GOOD[1:], CITES.replace("合同 CT-01；", ""), 0, "规则 CT-01 没有登记为本标准的要求"),
    ],
)
def test_broken_promises_are_located(tmp_path: Path, entries, prose, line, message) -> None:
    root = project(tmp_path, entries, prose)
    code, output = check(root)
    assert code == 1 and message in output, output
    if line:
        assert f"customer.md:{line}:" in output, output


def test_shipped_registers_cover_every_rule_and_show_on_the_portal(
    shipped_catalog, shipped_site: Path
) -> None:
    html = (shipped_site / "catalog" / "requirements" / "index.html").read_text(encoding="utf-8")
    for standard in shipped_catalog.standards:
        if standard.kind in ("record", "policy"):
            assert standard.requirements, standard.id
        for req in standard.requirements:
            assert f'id="{req.id.lower()}"' in html
    assert "由人工执行" in html and "要求清单" in html


def test_requirements_page_says_validator_targets_in_chinese(fixture_catalog) -> None:
    page = requirements_page(PortalContext(catalog=fixture_catalog, root=Path("."), version="1"))
    assert "不得重复" in page  # e.g. 客户信息·统一社会信用代码不得重复
    assert not re.search(r"校验工具：[^|]*[a-z_]+\.[a-z_]+", page)  # no record.field keys


def test_each_standard_page_ends_with_its_own_register(shipped_catalog, shipped_site: Path) -> None:
    for standard in shipped_catalog.standards:
        if not standard.requirements:
            continue
        page = shipped_site / standard.path.with_suffix("").as_posix() / "index.html"
        html = page.read_text(encoding="utf-8")
        section = html[html.index('id="requirements"') :]
        for req in standard.requirements:
            assert f'id="{req.id.lower()}"' in section, (standard.id, req.id)
        assert f"共 {len(standard.requirements)} 项要求" in section
        assert "../../catalog/requirements/" in section  # the catalog-wide list
        assert section.index('id="requirements"') < section.find("修订记录")


def test_register_says_rules_and_fields_in_words(fixture_catalog) -> None:
    contract = next(s for s in fixture_catalog.standards if s.path.name == "contract.md")
    section = standard_requirements(contract, fixture_catalog)
    # CT-01 is said as what the rule checks, a unique key by the record's and field's names
    assert "规则 CT&#45;01：录入时间 不得早于 签订时间" in section
    assert "entered&#95;at" not in section and "entered_at" not in section
    customer = next(s for s in fixture_catalog.standards if s.path.name == "customer.md")
    assert re.search(r"客户信息·[^|]+不得重复", standard_requirements(customer, fixture_catalog))


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils")
def test_pdf_edition_carries_the_register_as_an_appendix(fixture_catalog, tmp_path: Path) -> None:
    from generators.pdf.build import pdf_bytes
    from generators.pdf.document import document_html
    from generators.pdf.standard import standard_document
    from generators.release.records import Releases

    contract = next(s for s in fixture_catalog.standards if s.path.name == "contract.md")
    config = load_config(CATALOG)
    doc = standard_document(contract, fixture_catalog, config, Releases(), "1.0.0")
    pdf = tmp_path / "contract.pdf"
    pdf.write_bytes(pdf_bytes(document_html(doc)))
    done = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True)
    text = "".join(done.stdout.split())
    appendix = text[text.rindex("要求清单") :]
    assert "（资料性）" in text and "CT-01" in appendix and "合同签订后24小时内录入" in appendix
    assert "<span" not in text
