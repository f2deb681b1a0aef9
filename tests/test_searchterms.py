"""The committee's search word list (standards/search-terms.yml): read by the one loader,
every mistake reported by `infostd check` with file and line; hostile input stays data."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from generators.cli import cli
from generators.config import load_config
from generators.loader import load_catalog
from generators.portal.diagrams import flowchart_steps, mermaid_fence
from generators.portal.search import enrich_index, synonym_words
from generators.searchterms import FILE, SearchTerms, parse_search_terms


def problems(text: str, ids: frozenset[str] = frozenset({"IMS-PL-003"})) -> list[str]:
    found: list[str] = []
    parse_search_terms(text, set(ids), lambda line, msg: found.append(f"{line}: {msg}"))
    return found


def test_a_good_list_is_read() -> None:
    found: list[str] = []
    terms = parse_search_terms(
        "synonyms:\n  试点: [试行]\ngoverns:\n  IMS-PL-003: [销毁, 归档]\n",
        {"IMS-PL-003"},
        lambda line, msg: found.append(msg),
    )
    assert found == []
    assert terms.synonyms == {"试点": ["试行"]}
    assert terms.governing() == {"销毁": "IMS-PL-003", "归档": "IMS-PL-003"}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("synonym:\n  试点: [试行]\n", "1: 未知的表“synonym”"),
        ("governs:\n  IMS-XX-999: [销毁]\n", "2: 没有编号为 IMS-XX-999 的标准"),
        ("synonyms:\n  试点: 试行\n", "2: “试点”的同义词应为词的列表"),
        ("synonyms:\n  试点: [试行, 试行]\n", "2: “试行”在“试点”的同义词中重复"),
        ("synonyms:\n  试点: [试行]\n  试点: [试用]\n", "3: “试点”在 synonyms 中出现了两次"),
        ("synonyms: [试点]\n", "1: synonyms 应为“词: [词, …]”的映射"),
        ("synonyms:\n  试点: [\n", "无法解析"),
        ("- 试点\n", "1: 应为 synonyms: 和 governs: 两张表"),
        ("synonyms:\n  试点: ['" + "长" * 40 + "']\n", "太长"),
        ("synonyms:\n  试点: [[试行]]\n", "2: “试点”的同义词中有空词或不是文字的项"),
    ],
)
def test_mistakes_are_located(text: str, expected: str) -> None:
    found = problems(text)
    assert any(expected in p for p in found), found


def test_a_word_has_one_governing_standard() -> None:
    found = problems(
        "governs:\n  IMS-PL-003: [销毁]\n  IMS-PL-004: [销毁]\n",
        frozenset({"IMS-PL-003", "IMS-PL-004"}),
    )
    assert any("同时由 IMS-PL-003 和 IMS-PL-004 主管" in p for p in found), found


def test_check_reports_the_file_and_line(mini_project: Path) -> None:
    (mini_project / "standards" / FILE).write_text(
        "synonyms:\n  试点: [试行]\ngoverns:\n  IMS-NO-001: [销毁]\n", encoding="utf-8"
    )
    result = CliRunner().invoke(cli, ["--root", str(mini_project), "check"])
    assert result.exit_code == 1, result.output
    assert f"{FILE}:4" in result.output and "没有编号为 IMS-NO-001 的标准" in result.output


def test_the_shipped_list_loads(mini_project: Path) -> None:
    catalog = load_catalog(config=load_config(Path(__file__).parent.parent))
    assert catalog.search_terms.governing()["销毁"] == "IMS-PL-003"
    assert "试行" in catalog.search_terms.expansions("试点")


def test_index_gets_synonyms_and_governed_words() -> None:
    hostile = "<script>x</script>"
    terms = SearchTerms(synonyms={"试点": ["试行"], hostile: ["试行"]}, governs={"P": ["销毁"]})
    index = {
        "config": {"fields": {"title": {"boost": 20}}},
        "docs": [
            {"location": "policies/storage/", "title": "存储", "text": "本办法\u200b试行"},
            {"location": "records/customer/", "title": "客户", "text": "销毁"},
        ],
    }
    enrich_index(index, terms, {"policies/storage/": ["销毁"]})
    first, second = index["docs"]
    assert "试点" in first["keywords"].split("\u200b")
    assert first["governs"] == "·销毁" and "governs" not in second
    assert index["config"]["fields"]["governs"]["boost"] > 20
    # A hostile word is only ever JSON in the index.
    assert json.loads(json.dumps(index))["docs"][0]["keywords"].count(hostile) == 1
    assert synonym_words("未提及", terms.synonyms) == []


def test_flowchart_in_words_and_escaped() -> None:
    source = (
        "flowchart LR\n  A[填写] --> B{审核}\n  B -- 通过 --> C[<b>录入</b>]\n  B -->|不通过| A\n"
    )
    assert flowchart_steps(source) == [
        "填写 → 审核",
        "审核 →（通过）→ <b>录入</b>",
        "审核 →（不通过）→ 填写",
    ]
    html = mermaid_fence(source, "mermaid", "mermaid", {}, None)
    assert "<b>" not in html and "&lt;b&gt;录入&lt;/b&gt;" in html
    assert '<pre class="mermaid">' in html and "图的文字说明" in html
    assert flowchart_steps("sequenceDiagram\n  A->>B: hi\n") is None


def test_feedback_channel_fills_in_standard_and_page(tmp_path: Path) -> None:
    from generators.config import ConfigError, load_config
    from generators.model import Standard
    from generators.portal.pages import feedback_link

    standard = Standard(
        id="IMS-DS-001",
        title="客户&信息",
        kind="record",
        status="released",
        path=Path("records/customer.md"),
        source="",
        front_matter={},
        body_line=1,
    )
    tracker = feedback_link(
        "https://tracker.corp.internal/new?s={standard}&t={title}&p={page}", standard, "1.0"
    )
    assert tracker == (
        "https://tracker.corp.internal/new?s=IMS-DS-001&t=%E5%AE%A2%E6%88%B7%26%E4%BF%A1%E6%81%AF"
        "&p=records%2Fcustomer%2F"
    )
    mail = feedback_link("mailto:a@corp.internal", standard, "1.0")
    assert mail.startswith("mailto:a@corp.internal?subject=") and "&body=" in mail
    for bad in ["javascript:alert(1)", "tracker.corp.internal", 3]:
        (tmp_path / "pyproject.toml").write_text(
            f"[tool.infostd]\nfeedback = {json.dumps(bad)}\n", encoding="utf-8"
        )
        with pytest.raises(ConfigError, match="feedback"):
            load_config(tmp_path)
