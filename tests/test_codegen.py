"""The generated validators (generators/codegen): self-contained, deterministic, and the
Python and JavaScript modules agree with each other and with formats.py/rules.py."""

from __future__ import annotations

import datetime as dt
import difflib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generators import checkplan, codegen, formats
from generators.checkplan import GENERAL_KEYWORDS, NUMBER_KEYWORDS, STRING_KEYWORDS
from generators.model import Catalog
from generators.vocabulary import SUPPORTED_JSON_SCHEMA_KEYWORDS

from .codegen_support import NODE, generate_into, import_module, needs_node, run_node

GOLDEN = Path(__file__).parent / "fixtures" / "codegen" / "golden"
REFRESH = "INFOSTD_REFRESH_GOLDEN=1 .venv/bin/python -m pytest tests/test_codegen.py -k golden"


@pytest.fixture(scope="module")
def shipped(tmp_path_factory: pytest.TempPathFactory, fixture_catalog: Catalog) -> dict:
    paths = generate_into(fixture_catalog, tmp_path_factory.mktemp("validators"))
    return {"py": import_module(paths[codegen.PYTHON_MODULE]), "js": paths[codegen.JS_MODULE]}


def test_golden_files_for_the_mini_catalog(mini_catalog: Catalog, tmp_path: Path) -> None:
    paths = generate_into(mini_catalog, tmp_path)
    for name, path in paths.items():
        expected_path = GOLDEN / f"{name}.golden"
        actual = path.read_text(encoding="utf-8")
        if os.environ.get("INFOSTD_REFRESH_GOLDEN"):
            expected_path.parent.mkdir(parents=True, exist_ok=True)
            expected_path.write_text(actual, encoding="utf-8")
        expected = expected_path.read_text(encoding="utf-8")
        diff = "".join(
            difflib.unified_diff(
                expected.splitlines(True), actual.splitlines(True), f"golden/{name}", "generated"
            )
        )
        assert actual == expected, f"{name} differs from the golden file; run: {REFRESH}\n{diff}"


def test_output_is_deterministic(fixture_catalog: Catalog) -> None:
    plan = checkplan.build_plan(fixture_catalog, "1.0.0", {"required": {"zh": "必填"}})
    assert codegen.render(plan) == codegen.render(plan)


def test_version_and_schema_checksums_are_embedded(shipped, fixture_catalog: Catalog) -> None:
    py = shipped["py"]
    assert py.VERSION == "1.2.3+test"
    for key in fixture_catalog.records:
        assert py.RECORDS[key]["sha256"] == fixture_catalog.checksum(key)
    if NODE:
        js = run_node(shipped["js"], "return [v.VERSION, v.RECORDS];", None)
        assert js[0] == py.VERSION
        assert {k: r["sha256"] for k, r in js[1].items()} == {
            k: r["sha256"] for k, r in py.RECORDS.items()
        }


CUSTOMERS_CSV = (
    "客户编码 *,客户名称 *,统一社会信用代码 *,客户类型 *,所属行业 *,所在地区 *,联系人 *,联系人手机,归属部门 *,信用额度（元）\n"
    "110001,北京示例科技有限公司,91110108MA01ABCD2H,1,65,11 北京市,张三,13800138000,XS01,1000.50\n"
    "110001,上海示例有限公司,91110108MA01ABCD2X,1,65,31,李四,12800138000,XS01,abc\n"
)


def test_python_module_needs_only_the_standard_library(shipped, tmp_path: Path) -> None:
    """Run as a script in an isolated interpreter without site-packages: stdlib only."""
    data = tmp_path / "customers.csv"
    data.write_text(CUSTOMERS_CSV, encoding="utf-8")
    script = shipped["py"].__file__
    args = [data.name, "--record", "customer", "--format", "json"]
    done = subprocess.run(
        [sys.executable, "-I", "-S", script, *args], cwd=tmp_path, capture_output=True, text=True
    )
    assert done.returncode == 1, done.stderr
    report = json.loads(done.stdout)
    found = {(e["row"], e["field"], e["rule"]) for e in report["files"][0]["errors"]}
    assert found == {
        (3, "customer_code", "unique"),
        (3, "uscc", "format:cn-uscc"),
        (3, "mobile", "format:cn-mobile"),
        (3, "credit_limit", "type"),
    }
    assert report["files"][0]["rows"] == 2 and report["files"][0]["invalid_rows"] == 1
    if NODE:
        node = subprocess.run(
            [NODE, str(shipped["js"]), *args], cwd=tmp_path, capture_output=True, text=True
        )
        assert node.returncode == 1, node.stderr
        assert json.loads(node.stdout) == report


@pytest.mark.parametrize(
    "args, message",
    [
        (["missing.csv", "--record", "customer"], "文件不存在"),
        (["data.bin", "--record", "customer"], "不支持的文件类型"),
        (["empty.csv"], "没有内容"),
    ],
)
def test_unusable_input_exits_2_with_one_line(shipped, tmp_path: Path, args, message) -> None:
    (tmp_path / "data.bin").write_bytes(b"\x00\x01")
    (tmp_path / "empty.csv").write_text("\n\n", encoding="utf-8")
    commands = [[sys.executable, shipped["py"].__file__]]
    if NODE:
        commands.append([NODE, str(shipped["js"])])
    for command in commands:
        done = subprocess.run([*command, *args], cwd=tmp_path, capture_output=True, text=True)
        assert done.returncode == 2, done.stderr
        assert message in done.stderr and "Traceback" not in done.stderr
        assert len(done.stderr.strip().splitlines()) == 1


def test_every_supported_keyword_is_compiled() -> None:
    """vocabulary.SUPPORTED_JSON_SCHEMA_KEYWORDS (what `infostd check` lets through) is
    exactly what the generators handle: field keywords compiled, the rest structural."""
    compiled = {"type", *GENERAL_KEYWORDS, *STRING_KEYWORDS, *NUMBER_KEYWORDS}
    structural = {"$ref", "properties", "required", "additionalProperties", "oneOf"}
    annotations = {"$comment", "$id", "$schema", "title", "description", "default", "examples"}
    annotations |= {"deprecated", "readOnly"}  # readOnly: left out of templates, not a check
    assert set(SUPPORTED_JSON_SCHEMA_KEYWORDS) == compiled | structural | annotations


# ── custom formats: the same check-digit code in three places ──────────────
USCC_TEXT = st.text(alphabet=formats.USCC_CHARSET + "IOZSV a", min_size=16, max_size=19)
DIGITS = st.text(alphabet="0123456789X", min_size=10, max_size=19)


@st.composite
def valid_uscc(draw: st.DrawFn) -> str:
    body = draw(st.text(alphabet=formats.USCC_CHARSET, min_size=17, max_size=17))
    body = body[:2] + draw(st.text(alphabet="0123456789", min_size=6, max_size=6)) + body[8:]
    return body + formats.uscc_check_char(body)


@st.composite
def valid_resident_id(draw: st.DrawFn) -> str:
    area = draw(st.integers(110000, 659999))
    born = draw(st.dates(dt.date(1900, 1, 1), dt.date(2099, 12, 31))).strftime("%Y%m%d")
    body = f"{area}{born}{draw(st.integers(0, 999)):03d}"
    return body + formats.resident_id_check_char(body)


FORMAT_SAMPLES = {
    "cn-uscc": st.one_of(USCC_TEXT, valid_uscc()),
    "cn-resident-id": st.one_of(DIGITS, valid_resident_id()),
    "cn-mobile": st.text(alphabet="0123456789１a", min_size=9, max_size=12),
    "intl-phone": st.one_of(
        st.text(alphabet="+0123456789 -１", min_size=1, max_size=17),
        st.from_regex(r"\+[1-9][0-9]{6,14}", fullmatch=True),
    ),
    "email": st.text(alphabet="ab.@-_1中", max_size=12),
    "url": st.one_of(
        st.text(alphabet="htps:/.ab1中-?# \u3000\x1c", max_size=20),
        st.from_regex(
            r"https?://[a-z0-9中-]{1,8}(\.[a-z中]{2,4}){1,2}(:[0-9]{1,5})?(/[a-z?#= ]{0,6})?",
            fullmatch=True,
        ),
    ),
    "date": st.one_of(st.dates().map(str), st.text(alphabet="0123-9", max_size=11)),
    "date-time": st.one_of(
        st.datetimes().map(lambda d: d.isoformat(sep=" ", timespec="minutes")),
        st.text(alphabet="0123456789-:TZ+ .", min_size=10, max_size=26),
    ),
}


@needs_node
@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data())
def test_formats_agree_in_all_three_implementations(shipped, data: st.DataObject) -> None:
    cases = {
        name: data.draw(st.lists(strategy, min_size=20, max_size=20), label=name)
        for name, strategy in FORMAT_SAMPLES.items()
    }
    expected = {n: [formats.FORMAT_CHECKERS[n](v) for v in vs] for n, vs in cases.items()}
    python = {n: [shipped["py"].FORMATS[n](v) for v in vs] for n, vs in cases.items()}
    assert python == expected
    js = run_node(
        shipped["js"],
        "return Object.fromEntries(Object.entries(data).map(([n, vs]) => [n, vs.map(v.FORMATS[n])]));",
        cases,
    )
    assert js == expected


def test_build_writes_both_modules(mini_project: Path) -> None:
    from click.testing import CliRunner

    from generators.cli import cli

    result = CliRunner().invoke(cli, ["--root", str(mini_project), "build"])
    assert result.exit_code == 0, result.output
    downloads = mini_project / "site" / "downloads"
    sums = (downloads / "SHA256SUMS").read_text(encoding="utf-8")
    for name in (codegen.PYTHON_MODULE, codegen.JS_MODULE):
        assert (downloads / "validators" / name).is_file()
        assert f"validators/{name}" in sums
    module = import_module(downloads / "validators" / codegen.PYTHON_MODULE)
    assert module.validate("customer", {"customer_code": "110001"})[0].rule == "required"
    assert "必填" in module.validate("customer", {"customer_code": "110001"})[0].message
