"""The validation report writers at scale (issue 15, "Scale"): the JSON report streamed
issue by issue, byte for byte the text of the former one-string writer, on a file, on
stdout and on a device; the in-place xlsx findings list continued over further sheets
when one sheet is full; both atomic (a failure half-way leaves the previous report and
no temp file). Files are read back: JSON as bytes, xlsx with openpyxl (types, formulas,
panes, filters) and python-calamine (values decoded as Excel shows them)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import threading
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook
from python_calamine import CalamineWorkbook

from generators.cli import cli
from generators.errors import InfostdError
from generators.sql import xlsx
from generators.sql.xlsx import write_issue_list
from generators.validate.issues import FileReport, Issue, Report
from generators.validate.reports import to_json, write_json

from .test_codegen_differential import SEEDED

REPO = Path(__file__).parent.parent
HOSTILE = [
    '甲"乙"公司',
    "=cmd|' /C calc'!A0",
    "</script><script>alert(1)</script>",
    "\x1b[2J\x07控制",
    "a\\b\nc\td",
    "\u2028\u202e右到左",
    "_x0041_",
    "@SUM(A1)",
    "-1+1",
    "😀 𠀀",
]


# ── the oracle: the former writer, one string from report.to_dict() ─────────
def former_json(report: Report) -> str:
    def pretty(value: Any, indent: str) -> str:
        inner = indent + "  "
        if isinstance(value, dict) and any(isinstance(v, dict | list) for v in value.values()):
            items = (f"{inner}{compact(k)}: {pretty(v, inner)}" for k, v in value.items())
            return "{\n" + ",\n".join(items) + "\n" + indent + "}"
        if isinstance(value, list) and value:
            return "[\n" + ",\n".join(inner + pretty(v, inner) for v in value) + "\n" + indent + "]"
        return compact(value)

    def compact(value: Any) -> str:
        return json.dumps(value, ensure_ascii=False, separators=(", ", ": "))

    return pretty(report.to_dict(), "") + "\n"


def hostile_report(many: int = 0) -> Report:
    """Errors and warnings interleaved, a file-level finding, sheets, hostile text in every
    text slot, a clean file and ``many`` more findings (to cross the writers' batches)."""
    issues = [Issue("客户信息", None, None, None, "template-version", "模板版本不符", None)]
    for n, text in enumerate(HOSTILE, 2):
        severity = "warning" if n % 3 == 0 else "error"
        issues.append(Issue(text, n, "C", text, f"rule:{text}", text, text, severity))
    issues.append(Issue(None, 99, "D", "nul", "type", "a\x00b", "a\x00b"))
    issues += [
        Issue(None, n, "B", "name", "pattern", f"第 {n} 行不符合格式", f"值{n}", "error")
        for n in range(100, 100 + many)
    ]
    return Report(
        [
            FileReport("数据/客户.xlsx", "customer", "1.0.0", 5000, issues, sheet="客户信息"),
            FileReport("clean.csv", None, None, 0, []),
            FileReport("w.csv", "contract", None, 1, [Issue(None, 1, "A", "x", "whitespace", "空格", " a", "warning")]),
        ]
    )  # fmt: skip


# ── JSON ─────────────────────────────────────────────────────────────────────
@pytest.mark.parametrize(
    "report",
    [hostile_report(), hostile_report(many=10_000), Report([]), Report([FileReport("e", None, None, 0, [])])],
    ids=["hostile", "many", "no-files", "clean"],
)  # fmt: skip
def test_streamed_json_is_the_former_text_byte_for_byte(report, tmp_path):
    out = tmp_path / "r.json"
    write_json(report, out)
    expected = former_json(report)
    assert out.read_bytes() == expected.encode("utf-8")
    assert to_json(report) == expected
    data = json.loads(out.read_bytes())
    assert [len(f["errors"]) + len(f["warnings"]) for f in data["files"]] == [
        len(f.issues) for f in report.files
    ]
    raw = out.read_text(encoding="utf-8")
    assert "\x1b" not in raw and "\x00" not in raw  # control characters stay escaped


def test_json_on_stdout_is_the_same_text(tmp_path):
    """``deliver`` without ``-o`` streams to the terminal (CliRunner's stdout here)."""
    import click

    from generators.validate.reports import deliver

    report = hostile_report(many=5000)

    @click.command()
    def show() -> None:
        deliver(report, "json", None, "zh", None)

    result = CliRunner().invoke(show)
    assert result.exit_code == 0, result.output
    assert result.stdout_bytes == former_json(report).encode("utf-8")


def test_failure_half_way_keeps_the_previous_report(tmp_path):
    """An issue the encoder refuses, after thousands already written: the exception
    propagates, the previous report stays, no temp file is left beside it."""
    out = tmp_path / "r.json"
    out.write_bytes(b"previous report")
    report = hostile_report(many=10_000)
    bad = report.files[0].issues[9_000]
    report.files[0].issues[9_000] = Issue(None, bad.row, "B", "name", "pattern", "m", object())
    with pytest.raises(TypeError):
        write_json(report, out)
    assert out.read_bytes() == b"previous report"
    assert [p.name for p in tmp_path.iterdir()] == ["r.json"]


def _former_text(report: Report) -> str:
    import io

    from rich.console import Console

    from generators.validate.reports import render_text

    buffer = io.StringIO()
    render_text(report, Console(file=buffer, width=120, no_color=True), "zh")
    return buffer.getvalue()


def test_text_report_is_written_line_by_line_as_before(tmp_path):
    from generators.validate.reports import write_text

    report = hostile_report(many=3000)
    out = tmp_path / "r.txt"
    write_text(report, out)
    assert out.read_bytes() == _former_text(report).encode("utf-8")
    assert "\x1b" not in out.read_text(encoding="utf-8")


def test_text_report_to_a_terminal_device_has_no_styles(tmp_path):
    """``-o /dev/tty``: written in place, plain text as in a file (no bold, no colour)."""
    import pty

    from generators.validate.reports import write_text

    report = hostile_report()
    main, side = pty.openpty()
    received = bytearray()

    def drain() -> None:
        while chunk := _read_or_empty(main):
            received.extend(chunk)

    reader = threading.Thread(target=drain, daemon=True)
    reader.start()
    try:
        write_text(report, Path(os.ttyname(side)))
    finally:
        os.close(side)
        reader.join(timeout=30)
        os.close(main)
    assert bytes(received).replace(b"\r\n", b"\n") == _former_text(report).encode("utf-8")


def _read_or_empty(fd: int) -> bytes:
    try:
        return os.read(fd, 65536)
    except OSError:  # EIO: the terminal's other side closed
        return b""


# ── a real process: stdout, -o /dev/stdout, -o FILE; a file size limit ──────
def _infostd(*args: str, cwd: Path, limit: int | None = None) -> subprocess.CompletedProcess:
    def small_files() -> None:
        import resource

        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    return subprocess.run(
        [sys.executable, "-c", "from generators.cli import main; main()", "--root", str(REPO), *args],
        capture_output=True, cwd=cwd, timeout=300, preexec_fn=small_files if limit else None,
        env={**os.environ, "PYTHONPATH": str(REPO), "PYTHONDONTWRITEBYTECODE": "1"},
    )  # fmt: skip


def _seeded_csv(tmp_path: Path, extra: int = 0) -> Path:
    """The differential tests' seeded rows plus hostile codes (each one a finding whose
    value is shown) and ``extra`` rows with a bad mobile number."""
    lines = SEEDED.splitlines()
    good = lines[1].split(",")
    for n, text in enumerate(HOSTILE):
        code = '"' + text.replace('"', '""') + '"' if any(c in text for c in ',"\n') else text
        lines.append(",".join([code, f"公司{n}", *good[2:]]))
    for n in range(extra):
        lines.append(",".join([f"12{n:04d}", f"公司{n}", *good[2:7], "1380013", *good[8:]]))
    path = tmp_path / "customers.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_in_place_json_on_stdout_device_and_file_is_one_text(tmp_path):
    """The in-place validator's JSON report: stdout (a pipe), ``-o /dev/stdout`` (the
    device, written in place) and ``-o r.json`` give the same bytes."""
    data = _seeded_csv(tmp_path)
    args = ("validate", str(data), "--engine", "duckdb", "--format", "json")
    piped = _infostd(*args, cwd=tmp_path)
    device = _infostd(*args, "-o", "/dev/stdout", cwd=tmp_path)
    filed = _infostd(*args, "-o", "r.json", cwd=tmp_path)
    assert piped.returncode == device.returncode == filed.returncode == 1, piped.stderr
    assert piped.stdout == device.stdout == (tmp_path / "r.json").read_bytes()
    assert "报告已写入 /dev/stdout" in device.stderr.decode()
    errors = json.loads(piped.stdout)["files"][0]["errors"]
    assert {e["value"] for e in errors if e["field"] == "customer_code"} >= {"=cmd|' /C calc'!A0", "</script><script>alert(1)</script>"}  # fmt: skip
    assert sorted(p.name for p in tmp_path.iterdir()) == ["customers.csv", "r.json"]


@pytest.mark.parametrize("fmt", ["json", "xlsx"])
def test_a_write_cut_short_by_the_file_size_limit_keeps_the_previous_report(
    tmp_path, monkeypatch, fmt
):
    """``ulimit -f`` stops the write half-way: exit 2, one located Chinese line, the
    previous report intact, no temp file beside it."""
    data = _seeded_csv(tmp_path, extra=3000)
    out = tmp_path / "out" / f"r.{fmt}"
    out.parent.mkdir()
    out.write_bytes(b"previous report")
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    monkeypatch.setenv("TMPDIR", str(scratch))
    done = _infostd("validate", str(data), "--engine", "duckdb", "--format", fmt, "-o", str(out),
                    cwd=tmp_path, limit=64 * 1024)  # fmt: skip
    stderr = done.stderr.decode()
    assert done.returncode == 2, stderr
    assert f"r.{fmt}：无法写入（超过允许的文件大小" in stderr and "Traceback" not in stderr
    assert out.read_bytes() == b"previous report"
    assert [p.name for p in out.parent.iterdir()] == [f"r.{fmt}"]
    assert not [p for p in scratch.iterdir() if p.name.startswith("infostd-xlsx-")]


# ── xlsx: the findings list over several sheets ──────────────────────────────
def _sheets(path: Path) -> tuple[list[str], dict[str, list[list[Any]]]]:
    """Sheet names and each sheet's rows as Excel shows them (calamine decodes
    ``_xHHHH_`` escapes; openpyxl leaves them in inline strings)."""
    book = CalamineWorkbook.from_path(str(path))
    return book.sheet_names, {n: book.get_sheet_by_name(n).to_python() for n in book.sheet_names}


def _expected_rows(report: Report) -> list[list[Any]]:
    return [
        [f.path, i.row if i.row is not None else "", i.column or "", i.field or "", i.rule,
         i.message, i.value if i.value is not None else "", i.severity]
        for f in report.files for i in f.issues
    ]  # fmt: skip


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_findings_beyond_one_sheet_continue_on_the_next(tmp_path, monkeypatch, lang):
    monkeypatch.setattr(xlsx, "SHEET_ROWS", 4)
    report = hostile_report()  # 13 findings: 4 + 4 + 4 + 1
    out = tmp_path / "r.xlsx"
    write_issue_list(report, out, lang)
    names, sheets = _sheets(out)
    first = "校验结果" if lang == "zh" else "findings"
    later = "校验结果（{}）" if lang == "zh" else "findings ({})"
    assert names == [first, later.format(2), later.format(3), later.format(4)]
    assert all(rows[0] == list(xlsx.HEADERS[lang]) for rows in sheets.values())
    found = [row for rows in sheets.values() for row in rows[1:]]
    assert [len(rows) - 1 for rows in sheets.values()] == [4, 4, 4, 1]
    assert found == _expected_rows(report)  # every finding once, in order
    book = load_workbook(out)
    for sheet in book.worksheets:
        assert sheet.freeze_panes == "A2"
        assert sheet.auto_filter.ref == f"A1:H{max(sheet.max_row, 2)}"
        for row in sheet.iter_rows(min_row=2):  # the row number a number, all else text
            assert row[1].value is None or row[1].data_type == "n"
            assert all(c.data_type == "s" for c in row if c.value is not None and c.column != 2)
    assert not [p for p in tmp_path.iterdir() if p.name != "r.xlsx"]


def test_a_full_sheet_opens_no_empty_one_and_no_findings_is_one_header(tmp_path, monkeypatch):
    monkeypatch.setattr(xlsx, "SHEET_ROWS", 4)
    four = Report([FileReport("a.csv", "customer", None, 9, hostile_report().files[0].issues[:4])])
    write_issue_list(four, tmp_path / "four.xlsx")
    write_issue_list(Report([FileReport("a.csv", "customer", None, 9, [])]), tmp_path / "none.xlsx")
    assert _sheets(tmp_path / "four.xlsx")[0] == ["校验结果"]
    names, sheets = _sheets(tmp_path / "none.xlsx")
    assert names == ["校验结果"] and sheets["校验结果"] == [list(xlsx.HEADERS["zh"])]


class _Broken(list):
    """Findings whose iteration fails after ``n`` of them (a bug or a lost connection)."""

    def __init__(self, items: list[Issue], n: int) -> None:
        super().__init__(items)
        self.n = n

    def __iter__(self):
        for k, item in enumerate(super().__iter__()):
            if k == self.n:
                raise RuntimeError("lost")
            yield item


def test_xlsx_failure_half_way_keeps_the_previous_report(tmp_path, monkeypatch):
    """Three sheets written to scratch, then the findings fail: the previous report
    stays, no temp file beside it, no scratch file left in the temp folder."""
    monkeypatch.setattr(xlsx, "SHEET_ROWS", 1000)
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    issues = hostile_report(many=5000).files[0].issues
    out = tmp_path / "out" / "r.xlsx"
    out.parent.mkdir()
    out.write_bytes(b"previous report")
    with pytest.raises(RuntimeError, match="lost"):
        write_issue_list(
            Report([FileReport("a.csv", "customer", None, 1, _Broken(issues, 3500))]), out
        )
    assert out.read_bytes() == b"previous report"
    assert [p.name for p in out.parent.iterdir()] == ["r.xlsx"]
    assert list(scratch.iterdir()) == []


def test_xlsx_to_a_folder_is_a_located_error(tmp_path):
    (tmp_path / "r.xlsx").mkdir()
    with pytest.raises(InfostdError, match="r.xlsx：无法写入（是文件夹"):
        write_issue_list(hostile_report(), tmp_path / "r.xlsx")
    assert [p.name for p in tmp_path.iterdir()] == ["r.xlsx"]


def test_reports_to_a_pipe_are_written_in_place(tmp_path):
    """A pipe (what ``-o /dev/stdout`` is under a shell pipeline) is written, not replaced:
    the JSON text and a workbook that opens arrive through it."""
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    report = hostile_report(many=3000)
    for write, check in (
        (lambda: write_json(report, fifo), lambda b: b == former_json(report).encode()),
        (lambda: write_issue_list(report, fifo), lambda b: _xlsx_rows(tmp_path, b) == _expected_rows(report)),
    ):  # fmt: skip
        received: list[bytes] = []
        reader = threading.Thread(
            target=lambda got=received: got.append(fifo.read_bytes()), daemon=True
        )
        reader.start()
        write()
        reader.join(timeout=60)
        assert check(received[0])
    assert [p.name for p in tmp_path.iterdir() if not p.name.endswith(".xlsx")] == ["pipe"]


def _xlsx_rows(folder: Path, data: bytes) -> list[list[Any]]:
    path = folder / "from-pipe.xlsx"
    path.write_bytes(data)
    return [row for rows in _sheets(path)[1].values() for row in rows[1:]]


# ── end to end: validation in place, --format xlsx ───────────────────────────
def test_in_place_xlsx_holds_the_json_reports_findings_over_sheets(tmp_path, monkeypatch):
    monkeypatch.setattr(xlsx, "SHEET_ROWS", 5)
    data = _seeded_csv(tmp_path)
    runner = CliRunner()
    base = ["--root", str(REPO), "validate", str(data), "--engine", "duckdb"]
    as_json = runner.invoke(cli, [*base, "--format", "json"])
    out = tmp_path / "r.xlsx"
    as_xlsx = runner.invoke(cli, [*base, "--format", "xlsx", "-o", str(out)])
    assert as_json.exit_code == as_xlsx.exit_code == 1, as_xlsx.output
    (file,) = json.loads(as_json.stdout)["files"]
    names, sheets = _sheets(out)
    rows = [row for rows in sheets.values() for row in rows[1:]]
    assert len(names) == -(-len(rows) // 5) > 2
    for severity, kind in (("error", "errors"), ("warning", "warnings")):
        listed = [r for r in rows if r[7] == severity]
        assert [[r[1], r[2], r[3], r[4], r[5], r[6]] for r in listed] == [
            [e["row"], e["column"] or "", e["field"] or "", e["rule"], e["message"], e["value"] or ""]
            for e in file[kind]
        ]  # fmt: skip
    assert {r[0] for r in rows} == {file["path"]}
    assert any(r[6] == "=cmd|' /C calc'!A0" for r in rows)
    book = load_workbook(out)
    assert not [
        c for s in book.worksheets for row in s.iter_rows() for c in row if c.data_type == "f"
    ]
