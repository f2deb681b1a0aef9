"""The data oracle for `infostd diff` (issue 18): a patch or minor bump never rejects data
that was valid before.

Random edits to a fixture catalog (tests/fixtures/compat, not the shipped standards);
records valid under the old version are generated from its model (code-rule splits,
codes as code, dropdown label or bare title, lengths and bounds) and written as a JSON
file and as a CSV whose headers are titles, aliases or keys, as departments' ledgers
are; the real validator reads both. Whenever `diff_catalogs` says patch or minor, the
new version must accept every one of them. The budget is bounded for CI."""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import json
import os
import re
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, assume, event, given, settings
from hypothesis import strategies as st

from generators.config import load_config
from generators.loader import CatalogError, load_catalog
from generators.model import Catalog, Field
from generators.release.compat import bound
from generators.release.diff import diff_catalogs, required_bump
from generators.validate import validate_paths
from generators.validate.engine import validate_rows

from .conftest import FIXTURES, make_project

FENCE = re.compile(r"(```json schema\n)(.*?)(\n```)", re.S)
Docs = dict[str, dict[str, Any]]  # schema key → the JSON block
Draw = Callable[[st.SearchStrategy], Any]


# ── the fixture as data, and back ─────────────────────────────────────────────────
def read_docs(standards: Path) -> Docs:
    docs = {}
    for path in sorted(standards.rglob("*.md")):
        for match in FENCE.finditer(path.read_text(encoding="utf-8")):
            doc = json.loads(match.group(2))
            docs[doc["$id"].removesuffix(".schema.json")] = doc
    return docs


def write_docs(standards: Path, docs: Docs) -> None:
    for path in sorted(standards.rglob("*.md")):

        def block(match: re.Match) -> str:
            key = json.loads(match.group(2))["$id"].removesuffix(".schema.json")
            return (
                match.group(1)
                + json.dumps(docs[key], ensure_ascii=False, indent=2)
                + match.group(3)
            )

        path.write_text(FENCE.sub(block, path.read_text(encoding="utf-8")), encoding="utf-8")


def load(tmp: Path, docs: Docs) -> Catalog | None:
    root = make_project(tmp, FIXTURES / "compat")
    write_docs(root / "standards", docs)
    try:
        return load_catalog(config=load_config(root))
    except CatalogError:
        return None  # an edit the loader refuses (e.g. an example no longer valid)


# ── random edits, each as an author would make it ─────────────────────────────────
def fields(d: Docs) -> dict[str, dict]:
    return d["customer"]["properties"]


def pick_field(d: Docs, draw: Draw) -> tuple[str, dict]:
    key = draw(st.sampled_from(sorted(fields(d))))
    return key, fields(d)[key]


def rename_title(d: Docs, draw: Draw) -> None:
    _, f = pick_field(d, draw)
    old = f["title"]
    f["title"] = old + draw(st.sampled_from(["全称", "（新）"]))
    if draw(st.booleans()):
        f.setdefault("x-aliases", []).append(old)


def aliases(d: Docs, draw: Draw) -> None:
    key, f = pick_field(d, draw)
    names = f.setdefault("x-aliases", [])
    if names and draw(st.booleans()):
        names.pop(draw(st.integers(0, len(names) - 1)))
    else:
        names.append(draw(st.sampled_from(["旧", "原", "老"])) + key)


def entries(d: Docs, draw: Draw) -> list[dict]:
    return d[draw(st.sampled_from(["region", "customer-type", "industry"]))]["oneOf"]


NEW_CODES = {
    "region": [("4403", "深圳市", "44"), ("12", "天津市", None), ("1101", "东城区", "11")],
    "customer-type": [("5", "其他", None), ("41", "基金会", "4")],
    "industry": [("40", "仪器仪表制造业", "C"), ("6", "信息服务", "I"), ("I6", "互联网", "I")],
}


def codes(d: Docs, draw: Draw) -> None:
    key = draw(st.sampled_from(sorted(NEW_CODES)))
    listed = d[key]["oneOf"]
    action = draw(st.sampled_from(["add", "remove", "rename", "reparent", "reorder"]))
    if action == "add":
        code, title, parent = draw(st.sampled_from(NEW_CODES[key]))
        if all(e["const"] != code for e in listed):
            listed.append(
                {"const": code, "title": title} | ({"x-parent": parent} if parent else {})
            )
    elif action == "remove" and len(listed) > 1:
        listed.pop(draw(st.integers(0, len(listed) - 1)))
    elif action == "rename":
        entry = draw(st.sampled_from(listed))
        entry["title"] += draw(st.sampled_from(["类", "（旧）"]))
        if draw(st.booleans()):
            entry.setdefault("x-aliases", []).append(entry["title"])
    elif action == "reparent":
        entry = draw(st.sampled_from(listed))
        others = [e["const"] for e in listed if e is not entry and "x-parent" not in e]
        parent = draw(st.sampled_from([None, *others]))
        entry.pop("x-parent", None)
        if parent:
            entry["x-parent"] = parent
    else:
        listed.reverse()


def enum(d: Docs, draw: Draw) -> None:
    values = fields(d)["value_grade"]["enum"]
    action = draw(st.sampled_from(["reorder", "add", "remove"]))
    if action == "reorder":
        values.reverse()
    elif action == "add":
        values.append("D")
    elif len(values) > 1:
        values.remove(draw(st.sampled_from(values)))


def lengths(d: Docs, draw: Draw) -> None:
    f = fields(d)[draw(st.sampled_from(["name", "contact"]))]
    keyword = draw(st.sampled_from(["minLength", "maxLength"]))
    value = f.get(keyword, 1 if keyword == "minLength" else 12) + draw(st.integers(-3, 3))
    if draw(st.integers(0, 4)) == 0:
        f.pop(keyword, None)
    else:
        f[keyword] = max(value, 0)


def bounds(d: Docs, draw: Draw) -> None:
    f = fields(d)[draw(st.sampled_from(["credit_limit", "staff"]))]
    for keyword in draw(st.sets(st.sampled_from(["minimum", "exclusiveMinimum", "maximum"]))):
        if draw(st.booleans()) and keyword in f:
            del f[keyword]
        else:
            f[keyword] = draw(st.sampled_from([-1, 0, 1, 2, 100, 1000000]))


def unique(d: Docs, draw: Draw) -> None:
    groups = d["customer"].setdefault("x-unique", [])
    if groups and draw(st.booleans()):
        groups.pop(draw(st.integers(0, len(groups) - 1)))
    else:
        pool = ["customer_code", "name", "contact", "customer_type", "value_grade"]
        group = draw(st.lists(st.sampled_from(pool), min_size=1, max_size=3, unique=True))
        groups.append(group)


CUSTOMER_RULES = [
    [{"codelist": "region"}, {"digits": 4}],
    [{"digits": 2}, {"digits": 4}],
    [{"digits": 6}],
    [{"codelist": "region"}, {"digits": 5}],
    [{"codelist": "region", "level": 1}, {"digits": 4}],
    [{"text": "1"}, {"digits": 5}],
    [{"codelist": "region"}, {"digits": 2}, {"digits": 2}],
]
SUPPLIER_RULES = [
    [{"codelist": "industry", "level": 2}, {"text": "-"}, {"digits": 4}],
    [{"codelist": "industry"}, {"text": "-"}, {"digits": 4}],
    [{"codelist": "industry", "level": 1}, {"text": "-"}, {"digits": 4}],
    [{"digits": 2}, {"text": "-"}, {"digits": 4}],
    [{"codelist": "industry", "level": 2}, {"text": "-"}, {"digits": 3}],
]


def code_rule(d: Docs, draw: Draw) -> None:
    key, rules = draw(
        st.sampled_from([("customer_code", CUSTOMER_RULES), ("supplier_code", SUPPLIER_RULES)])
    )
    fields(d)[key]["x-code-rule"] = {"segments": draw(st.sampled_from(rules))}


def required(d: Docs, draw: Draw) -> None:
    names = d["customer"]["required"]
    key, _ = pick_field(d, draw)
    if key in names:
        names.remove(key)
    else:
        names.append(key)


RULES = [
    {"id": "R-1", "type": "date-order", "start": "signed_on", "end": "ended_on"},
    {"id": "R-1", "type": "max-interval", "start": "signed_on", "end": "ended_on", "max": "P30D"},
    {"id": "R-2", "type": "max-interval", "start": "signed_on", "end": "ended_on", "max": "P3650D"},
    {
        "id": "R-3",
        "type": "required-if",
        "field": "name",
        "when": {"field": "customer_type", "equals": "1"},
    },
    {
        "id": "R-3",
        "type": "required-if",
        "field": "contact",
        "when": {"field": "customer_type", "equals": "2"},
    },
    {
        "id": "R-4",
        "type": "required-if",
        "field": "contact",
        "when": {"field": "value_grade", "equals": "Z"},
    },
    {"id": "R-5", "type": "date-order", "start": "ended_on", "end": "signed_on"},
]


def rules(d: Docs, draw: Draw) -> None:
    listed = d["customer"].setdefault("x-rules", [])
    if listed and draw(st.booleans()):
        listed.pop(draw(st.integers(0, len(listed) - 1)))
        return
    rule = dict(draw(st.sampled_from(RULES)), message="规则")
    listed[:] = [r for r in listed if r["id"] != rule["id"]] + [rule]


def add_or_remove_field(d: Docs, draw: Draw) -> None:
    props = fields(d)
    if "email" in props or draw(st.booleans()):
        props.pop("contact", None) if draw(st.booleans()) else props.pop("email", None)
        return
    props["email"] = {"title": "邮箱", "type": "string", "format": "email"}
    if draw(st.booleans()):
        d["customer"]["required"].append("email")


def types_and_formats(d: Docs, draw: Draw) -> None:
    action = draw(st.sampled_from(["int", "number", "format", "unformat"]))
    props = fields(d)
    if action == "int":
        props["credit_limit"]["type"] = "integer"
    elif action == "number":
        props["staff"]["type"] = "number"
    elif action == "format":
        props["contact"]["format"] = "cn-mobile"
    else:
        props["ended_on"].pop("format")


def words(d: Docs, draw: Draw) -> None:
    _, f = pick_field(d, draw)
    f["description"] = draw(st.sampled_from(["说明", "新的说明"]))


# The issue's classes (titles, code lists, code rules, uniqueness, rules, bounds) twice as often.
ISSUE_CLASSES = [rename_title, codes, code_rule, unique, rules, bounds]
EDITS = [
    *ISSUE_CLASSES, *ISSUE_CLASSES, aliases, enum, lengths, required, add_or_remove_field,
    types_and_formats, words,
]  # fmt: skip


# ── records valid under the old version ───────────────────────────────────────────
HAN = "甲乙丙丁戊己庚辛壬癸子丑寅卯"


def value_of(f: Field, catalog: Catalog, draw: Draw) -> str | None:
    if not f.required and draw(st.integers(0, 3)) == 0:
        return None
    lists = catalog.codelists
    if f.code_rule is not None:
        parts = []
        for s in f.code_rule.segments:
            if s.kind == "text":
                parts.append(str(s.value))
            elif s.kind == "codelist":
                parts.append(draw(st.sampled_from(lists[str(s.value)].codes_at(s.level))))
            else:
                chars = "0123456789" if s.kind == "digits" else "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
                size = int(s.value)
                parts.append(draw(st.text(chars, min_size=size, max_size=size)))
        return "".join(parts)
    if f.codelist:
        entry = draw(st.sampled_from(lists[f.codelist].entries))
        return draw(st.sampled_from([entry.code, entry.label, entry.title]))
    if f.enum is not None:
        return str(draw(st.sampled_from(f.enum)))
    if f.type in ("integer", "number"):
        low, high = bound(f, True), bound(f, False)
        lo = -1000 if low is None else int(low[0]) + (0 if low[1] else 1)
        hi = 2000000 if high is None else int(high[0]) - (0 if high[1] else 1)
        assume(lo <= hi)
        return str(draw(st.integers(lo, hi)))
    if f.format == "date":
        days = st.dates(dt.date(2000, 1, 1), dt.date(2030, 12, 31))
        return draw(days.map(lambda x: x.isoformat()))
    if f.format == "email":
        return "a@example.com"
    low = max(f.min_length or 0, 1)
    high = f.max_length if f.max_length is not None else 12
    assume(low <= high)
    return draw(st.text(HAN, min_size=low, max_size=high))


def old_valid_rows(old: Catalog, draw: Draw) -> list[dict[str, str]]:
    schema = old.records["customer"]
    rows = [
        {f.key: v for f in schema.fields if (v := value_of(f, old, draw)) is not None}
        for _ in range(draw(st.integers(1, 6)))
    ]
    bad = {i.row for i in validate_rows(old, "customer", rows) if i.severity == "error"}
    kept = [r for n, r in enumerate(rows, start=1) if n not in bad]
    assume(kept)
    return kept


def write_files(old: Catalog, rows: list[dict], folder: Path) -> list[Path]:
    """As departments' files are: a CSV headed by the field titles (as the templates
    write them), a CSV headed by legacy names (each field's first alias, else its
    title), and JSON keyed by field key with typed numbers."""
    schema = old.records["customer"]
    keys = [f.key for f in schema.fields]
    paths = []
    for name, header in (
        ("titles.csv", {f.key: f.title for f in schema.fields}),
        ("aliases.csv", {f.key: (f.aliases or [f.title])[0] for f in schema.fields}),
    ):
        paths.append(folder / name)
        with paths[-1].open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow([header[k] for k in keys])
            writer.writerows([[row.get(k, "") for k in keys] for row in rows])
    typed = {f.key for f in schema.fields if f.type in ("integer", "number")}
    data = [{k: (json.loads(v) if k in typed else v) for k, v in r.items()} for r in rows]
    paths.append(folder / "records.json")
    paths[-1].write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return paths


def errors(catalog: Catalog, rows: list[dict], files: list[Path]) -> list[str]:
    found = [f"行 {i.row} {i.field}: {i.message}" for i in validate_rows(catalog, "customer", rows)
             if i.severity == "error"]  # fmt: skip
    for path in files:
        report = validate_paths(catalog, [path], record="customer")
        found += [f"{path.name} 行 {i.row} {i.field}: {i.message}" for i in report.files[0].errors]
    return found


@pytest.fixture(scope="module")
def base() -> Docs:
    return read_docs(FIXTURES / "compat")


@settings(
    max_examples=int(os.environ.get("INFOSTD_ORACLE_EXAMPLES", "30")),  # CI: a few seconds
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_patch_or_minor_never_rejects_old_valid_data(
    base: Docs, tmp_path_factory: pytest.TempPathFactory, data: st.DataObject
) -> None:
    tmp = tmp_path_factory.mktemp("oracle")
    new_docs = json.loads(json.dumps(base))
    edits = data.draw(st.lists(st.sampled_from(EDITS), min_size=1, max_size=2), label="edits")
    for edit in edits:
        with contextlib.suppress(KeyError, ValueError):  # its field was removed by an earlier edit
            edit(new_docs, data.draw)
    old, new = load(tmp / "old", base), load(tmp / "new", new_docs)
    assert old is not None
    assume(new is not None)
    changes = diff_catalogs(old, new)
    bump = required_bump(changes)
    event(f"bump {bump}")
    if bump == "major":
        return  # a major bump may reject old data; nothing to check
    rows = old_valid_rows(old, data.draw)
    files = write_files(old, rows, tmp)
    assert errors(old, rows, files) == []
    rejected = errors(new, rows, files)
    assert rejected == [], (bump, [c.message for c in changes], rows)
    shutil.rmtree(tmp, ignore_errors=True)
