"""Our meta-schemas: what a standard may say, so a typo is an error, not ignored.

Three positions exist in a schema block (record root, record field, code-list
root with its entries) and each allows a closed set of keywords: the JSON
Schema keywords every generator supports, plus our ``x-`` vocabulary
(DESIGN §3). Anything else, ``x-uniqe`` or a keyword the generated validators
would not enforce, is rejected by ``infostd check``.
"""

from __future__ import annotations

from typing import Any

from .masking import MASKS
from .requirements import REQUIREMENT_SCHEMA
from .rules import RULE_TYPES

# 草案 → 征求意见 → 试行 → 正式施行 → 废止 (the lifecycle of a standard)
STATUSES = ["draft", "comment", "pilot", "released", "deprecated"]
KINDS = ["record", "codelist", "policy", "guide"]
FORMATS = ["date", "date-time", "email", "cn-uscc", "cn-resident-id", "cn-mobile"]
SENSITIVITY = ["personal", "sensitive-personal"]
MASK_KINDS = list(MASKS)
KEY_PATTERN = r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$"
FIELD_KEY_PATTERN = r"^[a-z][a-z0-9_]*$"
ID_PATTERN = r"^[A-Z][A-Z0-9]*(-[A-Z0-9]+)+$"

FRONT_MATTER: dict[str, Any] = {
    "type": "object",
    "required": ["id", "title", "kind", "status"],
    "additionalProperties": False,
    "properties": {
        "id": {"type": "string", "pattern": ID_PATTERN},
        "title": {"type": "string", "minLength": 1},
        "kind": {"enum": KINDS},
        "category": {"type": "string"},
        "owner": {"type": "string"},
        "reviewers": {"type": "array", "items": {"type": "string"}, "uniqueItems": True},
        "status": {"enum": STATUSES},
        # the requirement register (requirements.py): 每项规范性要求的编号与执行方式
        "requirements": {"type": "array", "items": REQUIREMENT_SCHEMA},
    },
    "if": {"properties": {"kind": {"const": "guide"}}},
    "else": {"required": ["category", "owner"]},
}

_TEXT = {"type": "string"}
_COMMON = {
    "$comment": _TEXT,
    "title": {"type": "string", "minLength": 1},
    "description": _TEXT,
    "deprecated": {"type": "boolean"},
    "x-deprecated-in": _TEXT,
}
_NUMBER = {"type": "number"}
_SEGMENT = {
    "type": "object",
    "minProperties": 1,
    "oneOf": [
        {"required": ["text"], "properties": {"text": {"type": "string", "minLength": 1}}},
        {"required": ["digits"], "properties": {"digits": {"type": "integer", "minimum": 1}}},
        {"required": ["letters"], "properties": {"letters": {"type": "integer", "minimum": 1}}},
        {
            "required": ["codelist"],
            "properties": {
                "codelist": {"type": "string"},
                "level": {"type": "integer", "minimum": 1},
            },
        },
    ],
    "properties": {
        "title": _TEXT,
        "text": {},
        "digits": {},
        "letters": {},
        "codelist": {},
        "level": {},
    },
    "additionalProperties": False,
}
_LIFECYCLE_STAGE = {"type": "object", "additionalProperties": {"type": ["string", "array"]}}

FIELD: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "required": ["title"],
    "properties": {
        **_COMMON,
        "$ref": {"type": "string"},
        "type": {"enum": ["string", "integer", "number", "boolean"]},
        "format": {"enum": FORMATS},
        "pattern": {"type": "string", "format": "regex"},
        "minLength": {"type": "integer", "minimum": 0},
        "maxLength": {"type": "integer", "minimum": 0},
        "minimum": _NUMBER,
        "maximum": _NUMBER,
        "exclusiveMinimum": _NUMBER,
        "exclusiveMaximum": _NUMBER,
        "multipleOf": {"type": "number", "exclusiveMinimum": 0},
        "enum": {"type": "array", "minItems": 1, "uniqueItems": True},
        "const": {},
        "default": {},
        "examples": {"type": "array"},
        "x-code-rule": {
            "type": "object",
            "required": ["segments"],
            "additionalProperties": False,
            "properties": {
                "segments": {"type": "array", "minItems": 1, "items": _SEGMENT},
                "description": _TEXT,
            },
        },
        # "personal" (mask from the format), or the level with the mask kind the
        # storage policy prescribes: {"level": "personal", "mask": "name"}
        "x-sensitive": {
            "oneOf": [
                {"enum": SENSITIVITY},
                {
                    "type": "object",
                    "required": ["level", "mask"],
                    "additionalProperties": False,
                    "properties": {"level": {"enum": SENSITIVITY}, "mask": {"enum": MASK_KINDS}},
                },
            ]
        },
        "x-security-level": _TEXT,
        "x-aliases": {"type": "array", "items": {"type": "string", "minLength": 1}},
        # with "$ref" to a tree code list: only codes of this level (GB/T 4754 大类 = 2)
        "x-level": {"type": "integer", "minimum": 1},
    },
    "dependentRequired": {"x-level": ["$ref"]},
}

RECORD: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "required": ["$id", "title", "type", "properties"],
    "properties": {
        **_COMMON,
        "$id": _TEXT,
        "$schema": {"const": "https://json-schema.org/draft/2020-12/schema"},
        "type": {"const": "object"},
        "properties": {"type": "object", "minProperties": 1, "additionalProperties": FIELD},
        "required": {"type": "array", "items": _TEXT, "uniqueItems": True},
        "additionalProperties": {"const": False},
        "examples": {"type": "array", "items": {"type": "object"}},
        "x-security-level": _TEXT,
        "x-unique": {
            "type": "array",
            "items": {"type": "array", "minItems": 1, "items": _TEXT, "uniqueItems": True},
        },
        "x-foreign-keys": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["field", "record", "ref"],
                "additionalProperties": False,
                "properties": {"field": _TEXT, "record": _TEXT, "ref": _TEXT},
            },
        },
        "x-rules": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["id", "type", "message"],
                "properties": {
                    "id": {"type": "string", "pattern": r"^[A-Z]+-[0-9]+$"},
                    "type": {"enum": sorted(RULE_TYPES)},
                    "message": {"type": "string", "minLength": 1},
                },
            },
        },
        "x-lifecycle": {
            "type": "object",
            "required": ["collect", "store", "use", "archive", "dispose"],
            "additionalProperties": False,
            "properties": {
                "collect": _LIFECYCLE_STAGE,
                "store": {
                    **_LIFECYCLE_STAGE,
                    "properties": {"retention": {"type": "string", "pattern": r"^P"}},
                },
                "use": _LIFECYCLE_STAGE,
                "archive": _LIFECYCLE_STAGE,
                "dispose": _LIFECYCLE_STAGE,
            },
        },
    },
}

CODE_ENTRY: dict[str, Any] = {
    "type": "object",
    "required": ["const", "title"],
    "additionalProperties": False,
    "properties": {
        **_COMMON,
        "const": {"type": "string", "minLength": 1},
        "x-parent": _TEXT,
        # legacy names departments use for this code ("VIP" → 重点客户); read by the audit
        "x-aliases": {"type": "array", "items": {"type": "string", "minLength": 1}},
    },
}

CODELIST: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "required": ["$id", "title", "oneOf"],
    "properties": {
        **_COMMON,
        "$id": _TEXT,
        "$schema": {"const": "https://json-schema.org/draft/2020-12/schema"},
        "type": {"const": "string"},
        "oneOf": {"type": "array", "minItems": 1, "items": CODE_ENTRY},
    },
}

# Every keyword a schema block may use, for "did you mean" suggestions.
ALL_KEYWORDS = sorted(set(FIELD["properties"]) | set(RECORD["properties"]) | {"oneOf", "const"})

# JSON Schema keywords the generated validators implement (issue: codegen).
SUPPORTED_JSON_SCHEMA_KEYWORDS = sorted(k for k in ALL_KEYWORDS if not k.startswith("x-"))
