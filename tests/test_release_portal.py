"""A released project, built once: 发布通知 (.docx read back with python-docx, .html), the
news page, the Atom feed, the release history and each standard's 修订记录, and the
released version in the portal, the templates' ``_meta`` and the generated validators."""

from __future__ import annotations

import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
from datetime import datetime
from pathlib import Path

import pytest
from openpyxl import load_workbook

from tests.conftest import build_site, make_project
from tests.test_release_records import (
    POLICY,
    commit_all,
    git,
    infostd,
    make_major_change,
    release_first,
    request,
    write,
)

ATOM = "{http://www.w3.org/2005/Atom}"
HOSTILE_TITLE = "关于发布<script>alert(1)</script>标准的通知"


@pytest.fixture(scope="module")
def released_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Two releases: v1.0.0 (first edition) and v2.0.0 (a major revision of T-DS-001)."""
    tmp = tmp_path_factory.mktemp("released")
    with pytest.MonkeyPatch.context() as mp:
        for who in ("AUTHOR", "COMMITTER"):
            mp.setenv(f"GIT_{who}_NAME", "标准委员会")
            mp.setenv(f"GIT_{who}_EMAIL", "committee@example.test")
        mp.setenv("GIT_CONFIG_GLOBAL", str(tmp / "gitconfig"))
        mp.setenv("GIT_CONFIG_NOSYSTEM", "1")
        root = make_project(tmp)
        with (root / "pyproject.toml").open("a", encoding="utf-8") as f:
            f.write('standard_prefix = "Q/TEST"\n')
        write(root, "policy.yaml", POLICY)
        opinion = "\n  - body: 法务部\n    name: <img src=x onerror=alert(1)>\n    role: 负责人\n    department: FW01\n    date: 2026-11-21\n    decision: 同意\n"
        write(
            root,
            "requests/CR-2026-001.yaml",
            request("CR-2026-001", "all", "专项小组", "法务部", "管理层") + opinion,
        )
        git(root, "init", "-q", "-b", "main")
        commit_all(root, "初稿与批准")
        release_first(root)
        make_major_change(root)
        write(
            root,
            "requests/CR-2027-001.yaml",
            request("CR-2027-001", "[T-DS-001]", "专项小组", "法务部", "管理层"),
        )
        commit_all(root, "修订")
        infostd(
            root,
            "release",
            "--date",
            "2027-03-01",
            "--document",
            "信管发〔2027〕3号",
            "--title",
            HOSTILE_TITLE,
            "--summary",
            "客户名称至少 4 个字，请各部门核对存量客户。",
        )
        build_site(root, root / "site")
    return root / "site"


def read(site: Path, page: str) -> str:
    """A page's HTML with character references resolved (md_text writes '-' as &#45;)."""
    text = (site / page / "index.html").read_text(encoding="utf-8")
    return re.sub(r"&#(\d+);", lambda m: chr(int(m.group(1))), text)


def test_notice_docx_reads_back(released_site: Path) -> None:
    from docx import Document

    doc = Document(str(released_site / "downloads" / "notices" / "v2.0.0.docx"))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "信管发〔2027〕3号" in text and HOSTILE_TITLE in text  # text, as written
    assert "公司各部门、各分支机构" in text
    assert "经专项小组、法务部、管理层审议批准" in text
    assert "客户名称至少 4 个字" in text  # the committee's summary
    assert "主要变化" in text and "最小长度" in text  # the diff's words
    assert "联系人：信息部 李明" in text and "测试集团有限公司" in text
    [table] = doc.tables
    rows = [[c.text for c in row.cells] for row in table.rows]
    assert rows[0] == ["标准编号", "标准名称", "实施日期", "代替"]
    assert rows[1] == [
        "Q/TEST T-DS-001—2027",
        "客户信息数据标准",
        "2027-03-31",
        "Q/TEST T-DS-001—2026",
    ]
    assert doc.core_properties.title == HOSTILE_TITLE
    first = Document(str(released_site / "downloads" / "notices" / "v1.0.0.docx"))
    numbers = {row.cells[0].text for row in first.tables[0].rows[1:]}
    assert numbers == {"Q/TEST T-CL-001—2026", "Q/TEST T-CL-002—2026", "Q/TEST T-DS-001—2026"}


def test_news_page_and_notice_html_escape_everything(released_site: Path) -> None:
    news = read(released_site, "news")
    assert "<script>alert" not in news and "&lt;script&gt;alert(1)&lt;/script&gt;" in news
    assert "<img src=x" not in news
    assert "信管发〔2027〕3号" in news and "信管发〔2026〕12号" in news
    assert news.index("信管发〔2027〕3号") < news.index("信管发〔2026〕12号")  # newest first
    assert 'href="../downloads/notices/v2.0.0.docx"' in news
    assert 'href="feed.xml"' in news
    page = (released_site / "downloads" / "notices" / "v1.0.0.html").read_text(encoding="utf-8")
    assert "关于发布企业信息管理标准 v1.0.0 的通知" in page and "2027-01-01" in page


def test_atom_feed_is_valid(released_site: Path) -> None:
    feed = ET.parse(released_site / "news" / "feed.xml").getroot()
    assert feed.tag == f"{ATOM}feed"
    for required in ("id", "title", "updated", "author"):
        assert feed.find(f"{ATOM}{required}") is not None, required
    assert feed.find(f"{ATOM}author/{ATOM}name").text == "测试集团有限公司"
    entries = feed.findall(f"{ATOM}entry")
    assert len(entries) == 2
    ids = [e.find(f"{ATOM}id").text for e in entries]
    assert len(set(ids)) == 2 and ids[0].endswith("/v2.0.0")
    for entry in entries:
        for required in ("id", "title", "updated"):
            assert entry.find(f"{ATOM}{required}").text, required
        datetime.fromisoformat(entry.find(f"{ATOM}updated").text)  # RFC 3339
        assert entry.find(f"{ATOM}content").get("type") == "html"
    assert feed.find(f"{ATOM}updated").text == entries[0].find(f"{ATOM}updated").text
    content = entries[0].find(f"{ATOM}content").text
    assert "&lt;script&gt;" in content and "<script>" not in content  # escaped inside the html
    assert entries[0].find(f"{ATOM}title").text.startswith(HOSTILE_TITLE)


def test_release_history_and_revision_records(released_site: Path) -> None:
    history = read(released_site, "catalog/changelog")
    assert "发布历史" in history and "v2.0.0" in history and "v1.0.0" in history
    assert "各标准修订记录" in history
    assert "Q/TEST T-DS-001—2027" in history and "Q/TEST T-DS-001—2026" in history
    assert "首次发布" in history and "最小长度" in history
    assert "Keep a Changelog" not in history  # the developer changelog is not the readers'
    customer = read(released_site, "records/customer")
    section = customer[customer.index("修订记录") :]
    assert "Q/TEST T-DS-001—2027" in section and "2027-03-31" in section and "修订" in section


def test_released_version_everywhere(released_site: Path) -> None:
    """At the release commit: the portal, the templates' _meta and the validators say 2.0.0."""
    customer = read(released_site, "records/customer")
    assert re.search(r"<dt>版本</dt><dd><code>2\.0\.0</code>", customer)
    book = load_workbook(released_site / "downloads" / "templates" / "customer.xlsx")
    meta = {row[0].value: row[1].value for row in book["_meta"].iter_rows()}
    assert meta["version"] == "2.0.0"
    validators = (released_site / "downloads" / "validators" / "infostd_validators.py").read_text(
        encoding="utf-8"
    )
    assert '"2.0.0"' in validators or "'2.0.0'" in validators
    root = released_site.parent
    assert subprocess.run(
        ["git", "status", "--porcelain"], cwd=root, capture_output=True, text=True
    ).stdout.strip() in ("", "?? site/")


def test_a_page_changed_since_the_release_says_so(released_site: Path, tmp_path: Path) -> None:
    from generators.config import load_config
    from generators.loader import load_catalog
    from generators.portal.pages import PortalContext
    from generators.portal.releases import unreleased, unreleased_notice

    # the released site itself: every page is the edition in force, no notice anywhere
    assert not any(
        "infostd-unreleased" in p.read_text("utf-8") for p in released_site.rglob("*.html")
    )
    root = tmp_path / "copy"
    shutil.copytree(released_site.parent, root, ignore=shutil.ignore_patterns("site"))
    path = root / "standards" / "records" / "customer.md"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace('"maxLength": 50', '"maxLength": 60', 1), encoding="utf-8")
    commit_all(root, "名称放宽到 60 字 <b>")
    config = load_config(root)
    catalog = load_catalog(config=config)
    version, changes = unreleased(config, catalog)
    assert version == "2.0.0" and list(changes) == ["T-DS-001"]
    ctx = PortalContext(catalog, root, "2.0.0+dev.1", unreleased=changes, released=version)
    customer = next(s for s in catalog.standards if s.id == "T-DS-001")
    notice = unreleased_notice(ctx, customer)
    assert "本页含 2.0.0 版发布后的修改，尚未批准发布" in notice
    assert "正式施行的仍是 2.0.0 版" in notice and "60" in notice
    other = next(s for s in catalog.standards if s.id != "T-DS-001")
    assert unreleased_notice(ctx, other) == ""
    # without history to compare with (a copy without .git), no notice rather than a wrong one
    shutil.rmtree(root / ".git")
    assert unreleased(config, catalog) == ("", {})
