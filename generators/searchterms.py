"""The committee's search word list: ``standards/search-terms.yml``.

Two tables, both optional:

- ``synonyms``: a word readers type → the words the standards use (试点 → 试行). A page
  that says 试行 is found by 试点.
- ``governs``: a standard's id → the words it governs (IMS-PL-003 → 销毁, 归档). A search
  for such a word lists that standard first, before the record standards that merely
  mention it.

Read by the one loader (``load_catalog``), so ``infostd check`` reports its mistakes with
file and line like any other standard problem; the portal's search uses it
(``portal/search.py``). The file is data: words are only ever compared and written into
the search index as JSON, never into HTML.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import yaml

FILE = "search-terms.yml"
KEYS = ("synonyms", "governs")
MAX_WORD = 30  # a search word, not a sentence


@dataclass
class SearchTerms:
    synonyms: dict[str, list[str]] = field(default_factory=dict)
    governs: dict[str, list[str]] = field(default_factory=dict)  # standard id → words

    def expansions(self, word: str) -> list[str]:
        return self.synonyms.get(word, [])

    def governing(self) -> dict[str, str]:
        """word → the id of the standard that governs it."""
        return {word: sid for sid, words in self.governs.items() for word in words}


Report = Callable[[int, str], None]  # (line, message)


def _words(node: yaml.Node, report: Report, what: str) -> list[str]:
    if not isinstance(node, yaml.SequenceNode):
        report(node.start_mark.line + 1, f"{what}应为词的列表，如 [试行, 试用]")
        return []
    words = []
    for item in node.value:
        line = item.start_mark.line + 1
        text = item.value if isinstance(item, yaml.ScalarNode) else None
        if not isinstance(text, str) or not text.strip():
            report(line, f"{what}中有空词或不是文字的项")
        elif len(text.strip()) > MAX_WORD:
            report(line, f"“{text.strip()[:MAX_WORD]}…”太长：搜索词不超过 {MAX_WORD} 个字")
        elif text.strip() in words:
            report(line, f"“{text.strip()}”在{what}中重复")
        else:
            words.append(text.strip())
    return words


def parse_search_terms(text: str, standard_ids: set[str], report: Report) -> SearchTerms:
    """The list from ``text``; every problem goes to ``report`` with its line."""
    terms = SearchTerms()
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        report(mark.line + 1 if mark else 1, f"无法解析：{getattr(exc, 'problem', exc)}")
        return terms
    if root is None:
        return terms
    if not isinstance(root, yaml.MappingNode):
        report(1, "应为 synonyms: 和 governs: 两张表")
        return terms
    for key_node, value in root.value:
        key, line = key_node.value, key_node.start_mark.line + 1
        if key not in KEYS:
            report(line, f"未知的表“{key}”（只有 synonyms 同义词 和 governs 主管标准）")
            continue
        if not isinstance(value, yaml.MappingNode):
            report(line, f"{key} 应为“词: [词, …]”的映射")
            continue
        table: dict[str, list[str]] = getattr(terms, key)
        for name_node, words_node in value.value:
            name = str(name_node.value).strip()
            where = name_node.start_mark.line + 1
            if not name:
                report(where, f"{key} 中有空的词")
                continue
            if name in table:
                report(where, f"“{name}”在 {key} 中出现了两次")
                continue
            if key == "governs" and name not in standard_ids:
                report(where, f"没有编号为 {name} 的标准")
                continue
            label = f"“{name}”的同义词" if key == "synonyms" else f"{name} 主管的词"
            table[name] = _words(words_node, report, label)
    owners: dict[str, str] = {}
    for sid, words in terms.governs.items():
        for word in words:
            if word in owners:
                report(1, f"“{word}”同时由 {owners[word]} 和 {sid} 主管：一个词只能有一份主管标准")
            owners.setdefault(word, sid)
    return terms


def read_search_terms(standards: Path, standard_ids: set[str], report: Report) -> SearchTerms:
    path = standards / FILE
    if not path.is_file():
        return SearchTerms()
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        report(1, f"文件不是 UTF-8 编码（{exc.reason}）")
        return SearchTerms()
    return parse_search_terms(text, standard_ids, report)
