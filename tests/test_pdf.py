"""PDF editions (WeasyPrint), read back with pdftotext/pdffonts; one page of each kind is
rendered to PNG in test-artifacts/pdf/ for a person to look at."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from generators.config import load_config
from generators.loader import load_catalog
from generators.pdf import Cover, PdfDocument, Section, render_pdf
from generators.pdf.build import COLLECTION, generate
from tests.conftest import REPO
from tests.test_release_records import (
    approve_all,
    commit_all,
    infostd,
    make_major_change,
    release_first,
    request,
    write,
)
from tests.test_release_records import git_identity as git_identity  # noqa: F401
from tests.test_release_records import project as project  # noqa: F401

ARTIFACTS = REPO / "test-artifacts" / "pdf"
pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils")


def text_of(pdf: Path, page: int | None = None, mode: str = "-layout") -> str:
    args = ["pdftotext", mode] + (["-f", str(page), "-l", str(page)] if page else [])
    done = subprocess.run([*args, str(pdf), "-"], capture_output=True, text=True, check=True)
    return done.stdout


def pages(pdf: Path) -> list[str]:
    return text_of(pdf).split("\f")[:-1]


def squeeze(text: str) -> str:
    return "".join(text.split())


def fonts(pdf: Path) -> list[list[str]]:
    out = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True)
    return [line.split() for line in out.stdout.splitlines()[2:]]


def build_pdfs(root: Path) -> Path:
    config = load_config(root)
    out = root / "site-pdf"
    generate(load_catalog(config=config), config, out, "1.0.0")
    return out


@pytest.fixture
def released_pdfs(project: Path) -> Path:  # noqa: F811
    approve_all(project)
    release_first(project)
    return build_pdfs(project)


def test_edition_pdf_has_cover_contents_foreword_body_and_appendix(released_pdfs: Path) -> None:
    pdf = released_pdfs / "T-DS-001.pdf"
    every = pages(pdf)
    cover, contents = squeeze(every[0]), squeeze(every[1])
    assert "Q/TESTT-DS-001—2026" in cover
    assert "客户信息数据标准" in cover and "企业标准" in squeeze(every[0].replace(" ", ""))
    assert "2026-12-01发布" in cover and "2027-01-01实施" in cover
    assert "测试集团有限公司发布" in cover
    assert "目次" in contents and "前言" in contents and "附录A" in contents
    # front matter in roman numbers; the body starts again at page 1 (GB/T 1.1)
    footers = [squeeze(p.strip().splitlines()[-1]) for p in every]
    body = next(i for i, p in enumerate(every) if "前言" in p and "GB/T" in p) + 1
    assert footers[1:body] == ["II", "III"] and footers[body] == "1"
    assert footers[body + 1 :] == [str(n) for n in range(2, len(every) - body + 1)]
    assert re.search(r"前言\.+III", contents) and re.search(r"客户信息数据标准\.+1(?!\d)", contents)
    foreword = squeeze(next(p for p in every if "前言" in p and "GB/T" in p))
    assert "本文件为首次发布" in foreword
    assert "专项小组（张三，2026-11-20，文〔2026〕1号）" in foreword
    assert "Q/TESTT-DS-001—2026（2026-12-01发布）" in foreword
    raw = text_of(pdf, mode="-raw").split("\f")
    appendix = squeeze("".join(p for p in raw[3:] if "（规范性）" in p and "见附录" not in p))
    # every field of the record, by title and key, and its rules
    for word in (
        "客户编码",
        "客户名称",
        "统一社会信用代码",
        "手机",
        "地区",
        "信用额度",
        "登记日期",
    ):
        assert word in appendix, word
    for key in (
        "customer_code",
        "name",
        "uscc",
        "mobile",
        "region",
        "credit_limit",
        "registered_on",
    ):
        assert key in appendix, key
    assert "编码规则" in appendix
    # the body: the author's text, the schema replaced by a pointer to the appendix
    body = squeeze("".join(every[3:]))
    assert "的数据结构见附录A（规范性）" in body
    # running header: the number on pages after the cover
    assert "Q/TEST T-DS-001—2026" in every[2]
    # fonts: the Noto CJK faces, embedded
    listed = fonts(pdf)
    assert listed and all(row[-5] == "yes" for row in listed), listed
    assert any("Noto-Serif-CJK-SC" in row[0] for row in listed)
    assert any("Noto-Sans-CJK-SC" in row[0] for row in listed)
    _snapshot(pdf, every)


def _snapshot(pdf: Path, every: list[str]) -> None:
    """cover, 目次, 前言, 正文, 附录: one PNG each, for a person to look at."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    kinds = {
        "cover": 0,
        "contents": 1,
        "foreword": next(i for i, p in enumerate(every) if "GB/T" in p),
        "body": next(i for i, p in enumerate(every) if "见附录A" in squeeze(p)),
        "appendix": next(i for i, p in enumerate(every) if "编码规则" in p),
    }
    for kind, index in kinds.items():
        target = ARTIFACTS / f"{pdf.stem}-{kind}"
        subprocess.run(
            [
                "pdftoppm",
                "-png",
                "-r",
                "60",
                "-singlefile",
                "-f",
                str(index + 1),
                "-l",
                str(index + 1),
                str(pdf),
                str(target),
            ],
            check=True,
        )
        assert target.with_suffix(".png").stat().st_size > 5000


def test_revised_edition_says_what_it_replaces_and_what_changed(
    released_pdfs: Path,
    project: Path,  # noqa: F811
) -> None:
    make_major_change(project)
    write(
        project,
        "requests/CR-2027-001.yaml",
        request("CR-2027-001", "[T-DS-001]", "专项小组", "法务部", "管理层"),
    )
    commit_all(project, "修订")
    infostd(project, "release", "--date", "2027-03-01", "--document", "文2号")
    pdf = build_pdfs(project) / "T-DS-001.pdf"
    every = pages(pdf)
    cover = squeeze(every[0])
    assert "Q/TESTT-DS-001—2027" in cover and "代替Q/TESTT-DS-001—2026" in cover
    assert "2027-03-31实施" in cover  # major change: the 30-day notice period
    foreword = squeeze(next(p for p in every if "GB/T" in p))
    assert "本文件代替Q/TESTT-DS-001—2026" in foreword
    assert "客户名称" in foreword and "最小长度" in foreword


def test_collection_lists_every_standard_with_its_page(released_pdfs: Path) -> None:
    pdf = released_pdfs / COLLECTION
    every = pages(pdf)
    front = squeeze(every[0] + every[1])
    assert "企业信息管理标准汇编" in front and "信管发〔2026〕12号" in front
    contents = every[1]
    for number, title in (("T-DS-001", "客户信息数据标准"), ("T-CL-001", "地区代码")):
        line = next(line for line in contents.splitlines() if number in line)
        assert title in line
        page = int(line.split()[-1])
        assert number in every[page - 1] and title in squeeze(every[page - 1])
    # every standard's own pages are in the collection
    singles = sum(len(pages(p)) for p in released_pdfs.glob("T-*.pdf"))
    assert len(every) == singles + 2


def test_document_text_is_never_markup(tmp_path: Path) -> None:
    """Titles and section names are text: tags show as written, nothing is injected."""
    doc = PdfDocument(
        title="<script>x</script>",
        cover=Cover(title="标题<b>粗</b></style><h1>注入", number='Q/"</style>', publisher="甲&乙"),
        sections=[Section("章<i>节</i>", "<p>正文</p>")],
    )
    pdf = tmp_path / "x.pdf"
    pdf.write_bytes(render_pdf(doc))
    text = squeeze(text_of(pdf))
    assert "标题<b>粗</b></style><h1>注入" in text
    assert 'Q/"</style>' in text and "甲&乙" in text and "章<i>节</i>" in text


def test_pdf_metadata_names_the_edition(released_pdfs: Path) -> None:
    from pypdf import PdfReader

    reader = PdfReader(released_pdfs / "T-DS-001.pdf")
    assert reader.metadata.title == "Q/TEST T-DS-001—2026 客户信息数据标准"
    assert reader.metadata.author == "测试集团有限公司"


def test_portal_links_each_standards_pdf(shipped_site: Path) -> None:
    page = (shipped_site / "records" / "customer" / "index.html").read_text(encoding="utf-8")
    assert 'href="../../downloads/pdf/IMS-DS-001.pdf"' in page and "下载 PDF 版次" in page
    for standard in ("IMS-DS-001", "IMS-PL-001", "IMS-CL-001"):
        assert (shipped_site / "downloads" / "pdf" / f"{standard}.pdf").stat().st_size > 10_000
    assert (shipped_site / "downloads" / "pdf" / COLLECTION).is_file()
