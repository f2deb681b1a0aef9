"""Training by role, generated from the catalog: pages, printable PDFs read back, quiz checked
in Chromium."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from generators.config import load_config
from generators.loader import load_catalog
from generators.programme.training import common_errors, fill_card, officer_handbook, quizzes

from .browser import needs_chromium, serve
from .test_programme import edit, project  # noqa: F401 - the repository-copy fixture


def pdf_text(path: Path) -> str:
    return subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout


def test_card_follows_the_standard(project: Path) -> None:  # noqa: F811
    catalog = load_catalog(config=load_config(project))
    card = fill_card(catalog, catalog.records["customer"])
    assert "<td>联系人</td>" in card.parts[0].html.split("<p>选填")[0]
    edit(
        project / "standards" / "records" / "customer.md",
        '"uscc", "contact_name", "industry"',
        '"uscc", "industry"',
    )
    catalog = load_catalog(config=load_config(project))
    card = fill_card(catalog, catalog.records["customer"])
    required, optional = card.parts[0].html.split("<p>选填")
    assert "<td>联系人</td>" not in required and "联系人" in optional  # no longer required


def test_card_errors_are_the_validators_own_words(shipped_catalog) -> None:
    for key, schema in shipped_catalog.records.items():
        errors = common_errors(shipped_catalog, schema)
        assert 3 <= len(errors) <= 5, key
        assert len({m for m, _ in errors}) == len(errors), key
    customer = dict(common_errors(shipped_catalog, shipped_catalog.records["customer"]))
    uscc = next(m for m in customer if "统一社会信用代码" in m)
    assert "校验位错误：按 GB 32100-2015" in uscc and "最后一位应为" in uscc
    assert "对照营业执照逐位核对" in customer[uscc]


def test_handbook_lists_every_requirement_with_its_enforcement(shipped_catalog) -> None:
    doc = officer_handbook(shipped_catalog)
    html = "".join(p.html for p in doc.parts)
    ids = [r.id for s in shipped_catalog.standards for r in s.requirements]
    assert ids and all(f'id="{i.lower()}"' in html for i in ids)
    assert "infostd validate 文件 --record customer" in html


def test_quiz_answers_come_from_the_register(shipped_catalog) -> None:
    by_id = {r.id: r for s in shipped_catalog.standards for r in s.requirements}
    quiz = quizzes(shipped_catalog)
    assert set(quiz) == {"管理层", "信息专员", "一线员工"}
    for q in quiz["信息专员"]:
        rid = q.text.split(" ")[1].split("“")[0]
        assert q.options[q.answer] in {"校验工具", "Excel 模板", "标准库检查", "人工"}
        assert (
            by_id[rid].by
            == {
                "校验工具": "validator",
                "Excel 模板": "template",
                "标准库检查": "check",
                "人工": "people",
            }[q.options[q.answer]]
        )
    for q in quiz["管理层"]:
        rid = q.text.split(" ")[1].split("“")[0]
        assert q.options[q.answer] == by_id[rid].who


def test_pdfs_read_back_with_headings_and_fields(shipped_site: Path) -> None:
    folder = shipped_site / "downloads" / "training"
    card = pdf_text(folder / "card-customer.pdf")
    for text in (
        "填写卡：客户信息",
        "必填字段",
        "统一社会信用",
        "最常见的五类错误",
        "校验提示",
        "改正",
    ):
        assert text in card, text
    handbook = pdf_text(folder / "officer.pdf")
    assert "信息专员手册" in handbook and "SU-01" in handbook and "目" in handbook
    brief = pdf_text(folder / "management.pdf")
    assert "管理层简报" in brief and "领导责任" in brief and "未组织培训" in brief
    assert "G-01" in brief  # the goals and where they stand


@pytest.fixture(scope="module")
def site_url(shipped_site: Path) -> Iterator[str]:
    yield from serve(shipped_site)


@needs_chromium
def test_quiz_is_checked_in_the_page_offline(browser, site_url: str) -> None:
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    try:
        page.goto(site_url + "training/quiz/", wait_until="networkidle")
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        form = page.locator("#quiz-2")
        questions = form.locator("fieldset")
        for i in range(questions.count()):
            q = questions.nth(i)
            q.locator(f'input[value="{q.get_attribute("data-answer")}"]').check()
        first = questions.nth(0)
        wrong = next(v for v in ("0", "1", "2", "3") if v != first.get_attribute("data-answer"))
        first.locator(f'input[value="{wrong}"]').check()
        form.locator("button[type=submit]").click()
        assert form.locator(".infostd-quiz-score").text_content() == "答对 4 题，共 5 题。"
        assert "正确答案" in first.locator(".infostd-quiz-result").text_content()
        assert questions.nth(1).locator(".infostd-quiz-result").text_content() == "✓ 回答正确"
        for path in ("training/management/", "training/officer/", "training/cards/customer/"):
            page.goto(site_url + path, wait_until="networkidle")
            assert page.evaluate("document.documentElement.scrollWidth") <= 390, path
            assert page.locator('a[href$=".pdf"]').count() == 1, path
        assert all(u.startswith(site_url) or u.startswith("data:") for u in requests), requests
    finally:
        context.close()
