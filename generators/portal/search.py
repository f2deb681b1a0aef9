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
