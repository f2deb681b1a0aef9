"""The glossary (术语表): one standard declares the preferred terms and their deprecated
synonyms in its front matter; ``check_terms`` finds every deprecated synonym used in any
other standard (prose and front matter; schema blocks are data, not prose) and names the
preferred term.

    terms:
      - {term: 专项小组, definition: "…", deprecated: [信息化领导小组]}
"""

from __future__ import annotations

from .model import Catalog, Location, StandardError

TERM_SCHEMA = {
    "type": "object",
    "required": ["term", "definition"],
    "additionalProperties": False,
    "properties": {
        "term": {"type": "string", "minLength": 1},
        "definition": {"type": "string", "minLength": 2},
        "deprecated": {"type": "array", "items": {"type": "string", "minLength": 2}},
    },
}


def deprecated_terms(catalog: Catalog) -> dict[str, str]:
    """Deprecated synonym → preferred term, over every glossary in the catalog."""
    out: dict[str, str] = {}
    for standard in catalog.standards:
        for entry in standard.front_matter.get("terms", []):
            for word in entry.get("deprecated", []):
                out[word] = entry["term"]
    return out


def check_terms(catalog: Catalog) -> list[StandardError]:
    banned = deprecated_terms(catalog)
    if not banned:
        return []
    # longest first: "信息化领导小组" is reported once, not also as a shorter synonym inside it
    words = sorted(banned, key=len, reverse=True)
    problems = []
    for standard in catalog.standards:
        if "terms" in standard.front_matter:
            continue  # the glossary names the deprecated words on purpose
        blocks = {n for s in standard.schemas for n in range(s.location.line, s.end_line + 1)}
        for number, line in enumerate(standard.source.splitlines(), start=1):
            if number in blocks:
                continue
            for word in words:
                if word in line:
                    where = Location(catalog.root / standard.path, number)
                    message = f"使用了已废止的术语“{word}”，应改为“{banned[word]}”（见术语表）"
                    problems.append(StandardError(where, message))
                    line = line.replace(word, "")
    return problems
