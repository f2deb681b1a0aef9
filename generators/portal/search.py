"""Chinese search terms: a jieba user dictionary from the catalog, and the sub-words
of long tokens so that a search for 管理 also finds 财务管理.

mkdocs-material segments page text with jieba (``jieba.cut``) and the browser
matches a query as a *prefix* of indexed tokens. Two things go wrong with plain
jieba: domain words are split (字段定义 → 字|段|定义) and a word inside a longer
token cannot be found (管理 is not a prefix of 财务管理). The dictionary fixes the
first; ``keywords`` lists the dictionary words inside each long token, which the
portal adds to the search index as an extra, invisible field.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable

import jieba

from ..model import Catalog
from ..searchterms import SearchTerms

KEYWORDS_FIELD = "keywords"
GOVERNS_FIELD = "governs"
# Above the title's 20: a word the committee assigned to a standard beats a page that has
# the word in a heading (销毁 in the customer standard's lifecycle table, say).
GOVERNS_BOOST = 200.0
# Governed words are indexed as one marked token ("·销毁") that only the whole query,
# marked the same way by the search worker, matches: a prefix query (客户*) must not
# pick up a governed longer word (客户编码). The worker strips "·" from what readers type.
GOVERNS_MARK = "·"


def governs_token(word: str) -> str:
    return GOVERNS_MARK + re.sub(r"\s+", "", word).lower()


HAN = re.compile(r"[\u3400-\u9fff]+")
SEPARATORS = re.compile(r"[\s\u200b\u3000\-、。，．？！；：:,.()（）]+")

# Words of the portal itself (column headings, labels) that jieba's general dictionary lacks.
PORTAL_TERMS = [
    "字段",
    "字段定义",
    "必填",
    "代码表",
    "编码规则",
    "数据标准",
    "管理制度",
    "信息分类",
    "表级规则",
    "生命周期",
    "统一社会信用代码",
    "居民身份证号",
    "手机号",
    "归口部门",
    "评审部门",
    "敏感个人信息",
]

_loaded: set[str] = set()


def user_dictionary(catalog: Catalog) -> list[str]:
    """Every name a reader may search for: standard, schema, field and code-list titles,
    field aliases and code-list entry names; only terms with Chinese characters."""
    terms: list[str] = list(PORTAL_TERMS)
    for standard in catalog.standards:
        terms.append(standard.title)
    for schema in catalog.schemas.values():
        terms.append(schema.title)
        for f in schema.fields:
            terms.append(f.title)
            terms.extend(f.aliases)
        if schema.codelist is not None:
            terms.extend(e.title for e in schema.codelist.entries)
    words = []
    for term in terms:
        for part in SEPARATORS.split(term):
            if len(part) >= 2 and HAN.fullmatch(part):
                words.append(part)
    return sorted(set(words))


def dictionary_text(words: Iterable[str]) -> str:
    """The dictionary in jieba's user-dictionary file format (one word per line)."""
    return "".join(f"{w}\n" for w in words)


def load_user_dictionary(words: Iterable[str]) -> None:
    """Teach jieba (a process-wide singleton, used by mkdocs-material) our words."""
    jieba.setLogLevel(logging.WARNING)
    for word in words:
        if word not in _loaded:
            jieba.add_word(word)
            _loaded.add(word)


def _is_word(text: str) -> bool:
    jieba.dt.check_initialized()
    return jieba.dt.FREQ.get(text, 0) > 0


def sub_words(token: str) -> list[str]:
    """Dictionary words strictly inside ``token`` (two characters or more), in order."""
    found = []
    for start in range(len(token)):
        for end in range(start + 2, len(token) + 1):
            piece = token[start:end]
            if piece != token and piece not in found and _is_word(piece):
                found.append(piece)
    return found


def keywords(text: str) -> list[str]:
    """Sub-words of every long Chinese token in already segmented index text."""
    found: dict[str, None] = {}
    for token in SEPARATORS.split(text):
        if len(token) > 2 and HAN.fullmatch(token):
            found.update(dict.fromkeys(sub_words(token)))
    return list(found)


def segment(text: str) -> list[str]:
    """Chinese runs cut the way mkdocs-material cuts them (for tests and the benchmark)."""
    tokens = []
    for run in HAN.findall(text):
        tokens.extend(jieba.cut(run))
    return tokens


def synonym_words(text: str, synonyms: dict[str, list[str]]) -> list[str]:
    """The readers' words whose standard wording occurs in ``text`` (试点 when it says 试行)."""
    plain = text.replace("\u200b", "")
    return [word for word, targets in synonyms.items() if any(t in plain for t in targets)]


def enrich_index(index: dict, terms: SearchTerms, governed: dict[str, list[str]]) -> None:
    """Add to mkdocs-material's search index (in place) the fields the browser indexes but
    never shows: ``keywords`` (sub-words of long tokens, and the committee's synonyms of
    words the entry contains) and ``governs`` (on the page of the standard that governs a
    word, that word, weighted so that it comes first). ``governed``: page location → words.
    """
    fields = index["config"].setdefault("fields", {})
    fields[KEYWORDS_FIELD] = {"boost": 1.0}
    fields[GOVERNS_FIELD] = {"boost": GOVERNS_BOOST}
    for doc in index["docs"]:
        text = doc.get("title", "") + "\u200b" + doc.get("text", "")
        words = dict.fromkeys(keywords(text) + synonym_words(text, terms.synonyms))
        if words:
            doc[KEYWORDS_FIELD] = "\u200b".join(words)
        if doc.get("location") in governed:
            doc[GOVERNS_FIELD] = "\u200b".join(governs_token(w) for w in governed[doc["location"]])
