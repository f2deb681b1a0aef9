"""Validation speed: infostd validate against the floor (csv module, calamine) and the
alternatives (Frictionless, per-row jsonschema), each in its own process; also the
generated validators (Python vs per-row jsonschema, JavaScript under node vs Ajv).

    python benchmarks/validate_bench.py [--rows 1000000]

Generates a deterministic ``customer`` CSV (``--rows``) and xlsx (rows / 10) with
about 2 % defective rows, times every approach as a whole process (wall clock,
peak RSS), prints a table, and as the LAST line one JSON object (``figures()``).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from generators.config import load_config  # noqa: E402
from generators.loader import load_catalog  # noqa: E402
from generators.validate.sample import customer_rows, write_csv, write_xlsx  # noqa: E402

CUSTOMER_RULE = '{"codelist": "region", "title": "地区码"}, {"digits": %d, "title": "顺序号"}'
EXAMPLE_CODE = re.compile(r'("customer_code": ")([0-9]{2})([0-9]{4})"')
PROJECT_NOTE = (
    "standards: a temporary copy of the shipped ones in which only the customer code's "
    "sequence segment is widened from 4 to 6 digits (in customer and in contract's reference "
    "to it, examples adapted): the shipped 340,000-code space cannot hold 1M unique customers; "
    "every other rule is the shipped one"
)
AJV = "ajv@8.20.0"  # pinned; installed with npm into the temporary folder at run time
SLICE = 100_000  # rows given to Frictionless; its speed is per row, so it scales
# Per-row jsonschema reuses one compiled validator (schema_validator) and still runs only
# ~500 rows/s here: each code list is a `oneOf` of `const` branches, and `oneOf` must try
# every branch (≈ 190 `const` checks per customer row).
JSONSCHEMA_SLICE = 20_000

CSV_PARSE = """
import csv, sys
with open(sys.argv[1], encoding="utf-8", newline="") as handle:
    n = sum(1 for _ in csv.DictReader(handle))
print(n)
"""

XLSX_READ = """
import sys
from python_calamine import CalamineWorkbook
book = CalamineWorkbook.from_path(sys.argv[1])
rows = book.get_sheet_by_name(book.sheet_names[0]).to_python()
print(len(rows))
"""

JSONSCHEMA = """
import csv, sys
from pathlib import Path
from generators.config import load_config
from generators.loader import load_catalog, schema_validator
catalog = load_catalog(config=load_config(Path(sys.argv[2])))
validator = schema_validator(catalog, "customer")
keys = [f.key for f in catalog.records["customer"].fields]
numbers = {f.key for f in catalog.records["customer"].fields if f.type in ("number", "integer")}
errors = 0
with open(sys.argv[1], encoding="utf-8", newline="") as handle:
    reader = csv.reader(handle)
    next(reader)
    for cells in reader:
        row = {}
        for k, v in zip(keys, cells):
            if v == "":
                continue
            if k in numbers:
                try:
                    v = float(v)
                except ValueError:
                    pass
            row[k] = v
        errors += sum(1 for _ in validator.iter_errors(row))
print(errors)
"""

FRICTIONLESS = """
import sys
from pathlib import Path
from frictionless import Resource, Schema, validate
from generators.config import load_config
from generators.formats import EMAIL_RE, MOBILE_RE, USCC_RE
FORMAT_RES = {"cn-uscc": USCC_RE, "cn-mobile": MOBILE_RE, "email": EMAIL_RE}
LIMITS = {"minimum": "minimum", "maximum": "maximum", "min_length": "minLength", "max_length": "maxLength"}
from generators.loader import load_catalog
catalog = load_catalog(config=load_config(Path(sys.argv[2])))
record = catalog.records["customer"]
fields = []
for f in record.fields:
    kind = {"number": "number", "integer": "integer", "date": "date"}.get(f.type, "string")
    constraints = {}
    if f.required:
        constraints["required"] = True
    if f.enum:
        constraints["enum"] = f.enum
    if f.codelist:
        codelist = catalog.codelists[f.codelist]  # codes and dropdown labels ("11 北京市")
        constraints["enum"] = codelist.codes + [codelist.label(c) for c in codelist.codes]
    if f.code_rule:
        constraints["pattern"] = f.code_rule.regex(catalog.codelists).strip("^$")
    if f.pattern:
        constraints["pattern"] = f.pattern
    if f.format in FORMAT_RES:
        constraints["pattern"] = FORMAT_RES[f.format].pattern.strip("^$")
    for ours, theirs in LIMITS.items():
        if getattr(f, ours) is not None:
            constraints[theirs] = getattr(f, ours)
    fields.append({"name": f.title + (" *" if f.required else ""), "type": kind, "constraints": constraints})
schema = Schema.from_descriptor({"fields": fields})
source = Path(sys.argv[1])  # relative to basepath: Frictionless refuses absolute paths as unsafe
report = validate(
    Resource(path=source.name, basepath=str(source.parent), schema=schema), limit_errors=10**9
)
if report.stats["tasks"] != 1 or any(e.type == "resource-error" for e in report.tasks[0].errors):
    raise SystemExit(report.flatten(["type", "note"])[:3])
print(report.stats["errors"])
"""


def bench_project(work: Path, digits: int = 6) -> Path:
    """A copy of the project with the customer code sequence widened (PROJECT_NOTE)."""
    project = work / "project"
    project.mkdir()
    shutil.copytree(ROOT / "standards", project / "standards")
    for name in ("pyproject.toml", "mkdocs.yml"):
        shutil.copy2(ROOT / name, project / name)
    for key in ("customer", "contract"):
        path = project / "standards" / "records" / f"{key}.md"
        text = path.read_text(encoding="utf-8")
        if text.count(CUSTOMER_RULE % 4) != 1:
            raise SystemExit(f"{path}: the customer code rule is not the expected 4-digit one")
        text = text.replace(CUSTOMER_RULE % 4, CUSTOMER_RULE % digits)
        padding = "0" * (digits - 4)
        path.write_text(EXAMPLE_CODE.sub(rf'\1\g<2>{padding}\3"', text), encoding="utf-8")
    return project


# The same rows through Ajv (compiled, allErrors) and through the generated module's API:
# one CSV read and parse (the generated module's reader) shared by both, so the figure
# compares the validators, not report writing. Ajv coerces types; our formats are
# registered from the generated module. The generated module also checks uniqueness.
NODE_ROWS_SCRIPT = """
import { createRequire } from "node:module";
import { readFileSync } from "node:fs";
const [csvPath, workDir] = process.argv.slice(2);
const v = await import(workDir + "/infostd-validators.mjs");
const schemas = JSON.parse(readFileSync(workDir + "/schemas.json", "utf8"));
const bytes = readFileSync(csvPath);
const cells = v.parseCsv(v.decodeText(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.length)));
const keys = schemas.keys;
const rows = [];
for (let i = 1; i < cells.length; i += 1) {
  const row = {};
  const line = cells[i];
  for (let j = 0; j < keys.length; j += 1) if (line[j] !== undefined && line[j] !== "") row[keys[j]] = line[j];
  rows.push(row);
}
let errors = 0;
%s
console.log(errors);
"""
AJV_SCRIPT = (
    NODE_ROWS_SCRIPT
    % """
const require = createRequire(workDir + "/ajv/");
const Ajv2020 = require("ajv/dist/2020").default;
const ajv = new Ajv2020({ allErrors: true, strict: false, coerceTypes: true });
for (const [name, check] of Object.entries(v.FORMATS)) ajv.addFormat(name, (s) => check(s) === null);
for (const s of schemas.others) ajv.addSchema(s);
const validate = ajv.compile(schemas.main);
for (const row of rows) if (!validate(row)) errors += validate.errors.length;
"""
)
GENERATED_JS_SCRIPT = (
    NODE_ROWS_SCRIPT
    % """
for (const issue of v.validateRows("customer", rows, { firstRow: 2 })) if (issue.severity === "error") errors += 1;
"""
)


def prepare_generated(catalog, work: Path, npm: bool = True) -> bool:
    """The generated modules, the schemas for Ajv, and Ajv itself (npm); False without it."""
    from generators.codegen import generate as generate_validators

    generate_validators(catalog, load_config(ROOT), work)
    others = [catalog.exported(k) for k in catalog.schemas if k != "customer"]
    keys = [f.key for f in catalog.records["customer"].fields]
    schemas = {"main": catalog.exported("customer"), "others": others, "keys": keys}
    (work / "schemas.json").write_text(json.dumps(schemas, ensure_ascii=False), encoding="utf-8")
    (work / "ajv_bench.mjs").write_text(AJV_SCRIPT, encoding="utf-8")
    (work / "generated_js_rows.mjs").write_text(GENERATED_JS_SCRIPT, encoding="utf-8")
    if not (npm and shutil.which("node") and shutil.which("npm")):
        return False
    done = subprocess.run(
        ["npm", "install", "--prefix", str(work / "ajv"), "--no-audit", "--no-fund", AJV],
        capture_output=True, text=True,
    )  # fmt: skip
    return done.returncode == 0


def run(args: list[str]) -> tuple[float, float]:
    """Wall seconds and peak RSS (MiB) of one whole process."""
    start = time.perf_counter()
    proc = subprocess.Popen(
        args, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )  # fmt: skip
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - start
    code = os.waitstatus_to_exitcode(status)
    if code not in (0, 1):
        raise SystemExit(f"{' '.join(args[:3])} … failed ({code}): {proc.stderr.read().decode()}")
    return seconds, usage.ru_maxrss / 1024


def figures(results: dict[str, tuple[int, float, float]]) -> dict[str, float]:
    """The JSON line: rows per second and peak MiB (other parts may add keys here)."""

    def rps(name: str) -> float:
        rows, seconds, _ = results[name]
        return round(rows / seconds, 1)

    extra = {}
    if "generated_python" in results:
        extra["generated_python_rps"] = rps("generated_python")
        extra["generated_python_peak_rss_mb"] = round(results["generated_python"][2], 1)
        extra["generated_python_vs_jsonschema"] = round(
            extra["generated_python_rps"] / rps("jsonschema"), 1
        )
    if "generated_js" in results:
        extra["generated_js_rps"] = rps("generated_js")
        extra["generated_js_cli_rps"] = rps("generated_js_cli")
        extra["generated_js_cli_peak_rss_mb"] = round(results["generated_js_cli"][2], 1)
    if "ajv" in results:
        extra["ajv_rps"] = rps("ajv")
        extra["generated_js_vs_ajv"] = round(extra["generated_js_rps"] / extra["ajv_rps"], 2)
    return {
        "csv_parse_rps": rps("csv_parse"),
        "csv_validate_rps": rps("csv_validate"),
        "xlsx_read_rps": rps("xlsx_read"),
        "xlsx_validate_rps": rps("xlsx_validate"),
        "frictionless_rps": rps("frictionless"),
        "jsonschema_rps": rps("jsonschema"),
        "csv_validate_peak_rss_mb": round(results["csv_validate"][2], 1),
        "xlsx_validate_peak_rss_mb": round(results["xlsx_validate"][2], 1),
        **extra,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000, help="CSV rows (xlsx: rows / 10)")
    parser.add_argument(
        "--no-npm", action="store_true", help="skip Ajv (it is installed from the npm registry)"
    )
    args = parser.parse_args()
    csv_rows, xlsx_rows = args.rows, max(args.rows // 10, 100)
    slice_rows = min(SLICE, csv_rows)
    small_rows = min(JSONSCHEMA_SLICE, csv_rows)
    py = sys.executable
    print(PROJECT_NOTE)
    with tempfile.TemporaryDirectory(prefix="validate-bench-") as tmp:
        work = Path(tmp)
        project = bench_project(work)
        catalog = load_catalog(config=load_config(project))
        csv_path, slice_path = work / "customers.csv", work / "slice.csv"
        small_path, xlsx_path = work / "small.csv", work / "customers.xlsx"
        write_csv(catalog, "customer", customer_rows(catalog, csv_rows), csv_path)
        write_csv(catalog, "customer", customer_rows(catalog, slice_rows), slice_path)
        write_csv(catalog, "customer", customer_rows(catalog, small_rows), small_path)
        write_xlsx(catalog, "customer", customer_rows(catalog, xlsx_rows), xlsx_path)
        validate = [
            py, "-c", "from generators.cli import cli; cli()", "--root", str(project),
            "validate", "--format", "json", "-o",
        ]  # fmt: skip
        plan = {
            "csv_parse": (csv_rows, [py, "-c", CSV_PARSE, str(csv_path)]),
            "csv_validate": (csv_rows, [*validate, str(work / "r1.json"), str(csv_path)]),
            "xlsx_read": (xlsx_rows, [py, "-c", XLSX_READ, str(xlsx_path)]),
            "xlsx_validate": (xlsx_rows, [*validate, str(work / "r2.json"), str(xlsx_path)]),
            "frictionless": (slice_rows, [py, "-c", FRICTIONLESS, str(slice_path), str(project)]),
            "jsonschema": (small_rows, [py, "-c", JSONSCHEMA, str(small_path), str(project)]),
        }
        generated = [str(csv_path), "--record", "customer", "--format", "json"]
        plan["generated_python"] = (csv_rows, [py, str(work / "infostd_validators.py"), *generated])
        with_ajv = prepare_generated(catalog, work, npm=not args.no_npm)
        if shutil.which("node"):
            node_js = ["node", str(work / "infostd-validators.mjs"), *generated]
            plan["generated_js_cli"] = (csv_rows, node_js)
            rows_js = ["node", str(work / "generated_js_rows.mjs"), str(csv_path), str(work)]
            plan["generated_js"] = (csv_rows, rows_js)
        if with_ajv:
            ajv = ["node", str(work / "ajv_bench.mjs"), str(csv_path), str(work)]
            plan["ajv"] = (csv_rows, ajv)
        results = {}
        for name, (rows, command) in plan.items():
            seconds, rss = run(command)
            results[name] = (rows, seconds, rss)
        found = [
            json.loads((work / name).read_text(encoding="utf-8"))["files"][0]
            for name in ("r1.json", "r2.json")
        ]
    print(f"{'approach':<16}{'rows':>10}{'seconds':>10}{'rows/s':>12}{'peak MiB':>10}")
    for name, (rows, seconds, rss) in results.items():
        print(f"{name:<16}{rows:>10}{seconds:>10.2f}{rows / seconds:>12,.0f}{rss:>10.0f}")
    out = figures(results)
    print(
        f"CSV: {found[0]['invalid_rows']} invalid rows, {len(found[0]['errors'])} errors; "
        f"validate/parse = {out['csv_validate_rps'] / out['csv_parse_rps']:.2f}, "
        f"vs Frictionless ×{out['csv_validate_rps'] / out['frictionless_rps']:.0f}, "
        f"vs jsonschema ×{out['csv_validate_rps'] / out['jsonschema_rps']:.0f}"
    )
    print(
        f"xlsx: {found[1]['invalid_rows']} invalid rows, {len(found[1]['errors'])} errors; "
        f"validate/read = {out['xlsx_validate_rps'] / out['xlsx_read_rps']:.2f}"
    )
    print(json.dumps(out))


if __name__ == "__main__":
    main()
