// The portal's in-browser validator: reads a picked or dropped file into rows and renders
// what the generated module reports. No checking here, and no network: the file is read
// with FileReader APIs, validated by infostd-validators.mjs and never sent anywhere.
import * as infostd from "./infostd-validators.mjs";
import { XlsxError, readWorkbook } from "./xlsx.mjs";

const SHOWN = 1000; // rows of the on-page table; the CSV has all
const IGNORED_SHEETS = new Set(["_meta", "代码表", "填写说明"]);
const TEXT = {
  zh: {
    reading: "正在读取和校验…",
    summary: (f) => `${f.name}：记录“${f.title}”，${f.rows} 行数据，${f.invalid} 行有误，${f.errors} 个错误，${f.warnings} 个提醒。`,
    valid: "没有发现错误。",
    truncated: (n) => `表中只显示前 ${SHOWN} 条，共 ${n} 条；完整列表请下载 CSV。`,
    unusable: "无法校验此文件：",
    internal: "校验时出现内部错误（请报告）：",
    head: ["行", "列", "字段", "规则", "说明", "值"],
    csv: ["文件", "工作表", "级别", "行", "列", "字段", "规则", "说明", "值"],
    error: "错误",
    warning: "提醒",
    warnings: "提醒（不影响通过）",
  },
  en: {
    reading: "Reading and validating…",
    summary: (f) => `${f.name}: record "${f.title}", ${f.rows} data rows, ${f.invalid} invalid, ${f.errors} errors, ${f.warnings} warnings.`,
    valid: "No errors found.",
    truncated: (n) => `The table shows the first ${SHOWN} of ${n}; download the CSV for all.`,
    unusable: "This file cannot be validated: ",
    internal: "Internal error while validating (please report): ",
    head: ["Row", "Column", "Field", "Rule", "Message", "Value"],
    csv: ["File", "Sheet", "Severity", "Row", "Column", "Field", "Rule", "Message", "Value"],
    error: "error",
    warning: "warning",
    warnings: "Warnings (the file still passes)",
  },
};

const $ = (id) => document.getElementById(id);
let current = null; // {name, table, report}
let finished = 0; // files done, exposed for tests as body[data-infostd-finished]

// ── reading: a file's bytes → one table, as the reference's readers choose it ──
function xlsxTable(name, bytes) {
  let sheets;
  try {
    sheets = readWorkbook(bytes, infostd.CellDate, infostd.LIMITS);
  } catch (e) {
    if (e instanceof XlsxError) throw new infostd.UnusableInput(`${name}：无法打开工作簿：${e.message}`);
    throw e;
  }
  const meta = {};
  for (const row of sheets.find((s) => s.name === "_meta")?.rows ?? []) {
    if (row.length >= 2 && row[0] !== null && row[0] !== "") meta[String(row[0]).trim()] = String(row[1] ?? "").trim();
  }
  let record = null;
  if (meta.template === "infostd" && meta.record) {
    record = meta.record;
    if (!Object.hasOwn(infostd.RECORDS, record)) throw new infostd.UnusableInput(`${name}：模板信息表 _meta 中的记录“${record}”在当前标准中不存在`);
  }
  const candidates = sheets.filter((s) => !IGNORED_SHEETS.has(s.name));
  if (record !== null) candidates.sort((a, b) => (a.name !== infostd.RECORDS[record].title) - (b.name !== infostd.RECORDS[record].title));
  if (!candidates.length) throw new infostd.UnusableInput(`${name}：工作簿中没有数据工作表`);
  const errors = [];
  for (const sheet of candidates) {
    try {
      return infostd.tableFromCells(name, sheet.rows, { record, sheet: sheet.name, templateVersion: meta.version ?? null, meta });
    } catch (e) {
      if (!(e instanceof infostd.UnusableInput)) throw e;
      errors.push(e);
    }
  }
  throw new infostd.UnusableInput(`${name}：工作表“${candidates[0].name}”：${errors[0].message}`);
}

function readTable(name, bytes) {
  const isZip = bytes[0] === 0x50 && bytes[1] === 0x4b && bytes[2] === 0x03 && bytes[3] === 0x04;
  if (/\.xls[xm]$/i.test(name) || isZip) return xlsxTable(name, bytes);
  if (bytes[0] === 0xd0 && bytes[1] === 0xcf) throw new infostd.UnusableInput(`${name}：文件已加密或为旧版 .xls 格式，请去除密码并另存为 .xlsx`);
  if (!bytes.length) throw new infostd.UnusableInput(`${name}：文件为空`);
  return infostd.readBytes(name.toLowerCase().endsWith(".csv") ? name : `${name}.csv`, bytes);
}

// ── rendering ──────────────────────────────────────────────────────────────
function cell(tag, text) {
  const node = document.createElement(tag);
  node.textContent = text ?? "";
  return node;
}

function fieldLabel(record, key) {
  const field = key === null ? null : infostd.RECORDS[record].fields.find((f) => f[0] === key);
  return field ? `${field[1]}（${key}）` : key ?? "";
}

function fillTable(body, items, record) {
  body.replaceChildren();
  for (const e of items.slice(0, SHOWN)) {
    const tr = document.createElement("tr");
    Object.assign(tr.dataset, { row: e.row ?? "", field: e.field ?? "", rule: e.rule });
    for (const text of [e.row, e.column, fieldLabel(record, e.field), e.rule, e.message, e.value]) tr.append(cell("td", text === null ? "" : String(text)));
    body.append(tr);
  }
}

function show(report, lang) {
  const t = TEXT[lang];
  const file = report.files[0];
  const title = infostd.RECORDS[file.record].title;
  const counts = { name: file.path, title, rows: file.rows, invalid: file.invalid_rows, errors: file.errors.length, warnings: file.warnings.length };
  $("infostd-summary").textContent = `${t.summary(counts)}${report.valid ? ` ${t.valid}` : ""}`;
  $("infostd-summary").className = report.valid ? "infostd-validator-ok" : "infostd-validator-bad";
  for (const [id, items] of [["infostd-errors", file.errors], ["infostd-warnings", file.warnings]]) {
    const section = $(id);
    section.hidden = items.length === 0;
    section.querySelectorAll("thead th").forEach((th, i) => (th.textContent = t.head[i]));
    fillTable(section.querySelector("tbody"), items, file.record);
    section.querySelector(".infostd-validator-more").textContent = items.length > SHOWN ? t.truncated(items.length) : "";
  }
  $("infostd-warnings").querySelector("h2").textContent = t.warnings;
  $("infostd-download").hidden = file.errors.length + file.warnings.length === 0;
}

// Spreadsheet programs run cells that start with = + - @ as formulas: keep them text.
function csvField(value) {
  let text = value === null || value === undefined ? "" : String(value);
  if (/^[=+\-@]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

function csvReport(report, lang) {
  const t = TEXT[lang];
  const lines = [t.csv];
  for (const file of report.files) {
    for (const [severity, items] of [[t.error, file.errors], [t.warning, file.warnings]]) {
      for (const e of items) lines.push([file.path, e.sheet, severity, e.row, e.column, e.field, e.rule, e.message, e.value]);
    }
  }
  // With a BOM so that Excel opens the UTF-8 file with the right characters.
  return `\ufeff${lines.map((l) => l.map(csvField).join(",")).join("\r\n")}\r\n`;
}

function run() {
  if (current === null) return;
  const lang = $("infostd-lang").value;
  const report = infostd.validateTables([current.table], { lang });
  current.report = report;
  show(report, lang);
}

async function open(file) {
  const lang = $("infostd-lang").value;
  $("infostd-problem").hidden = true;
  $("infostd-results").hidden = true;
  $("infostd-summary").textContent = TEXT[lang].reading;
  try {
    const bytes = new Uint8Array(await file.arrayBuffer());
    current = { name: file.name, table: readTable(file.name, bytes) };
    run();
    $("infostd-results").hidden = false;
  } catch (e) {
    current = null;
    $("infostd-summary").textContent = "";
    const problem = $("infostd-problem");
    problem.textContent = (e instanceof infostd.UnusableInput ? TEXT[lang].unusable : TEXT[lang].internal) + (e?.message ?? String(e));
    problem.hidden = false;
  }
  document.body.dataset.infostdFinished = String(++finished);
}

function download() {
  if (!current?.report) return;
  const lang = $("infostd-lang").value;
  const blob = new Blob([csvReport(current.report, lang)], { type: "text/csv;charset=utf-8" });
  const link = document.createElement("a");
  link.href = URL.createObjectURL(blob);
  link.download = `${current.name.replace(/\.[^.]*$/, "")}-校验结果.csv`;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(link.href), 0);
}

function setup() {
  const input = $("infostd-file");
  const drop = $("infostd-drop");
  if (!input || !drop) return;
  input.addEventListener("change", () => input.files[0] && open(input.files[0]));
  for (const type of ["dragenter", "dragover"]) {
    drop.addEventListener(type, (event) => {
      event.preventDefault();
      drop.classList.add("infostd-validator-over");
    });
  }
  for (const type of ["dragleave", "drop"]) drop.addEventListener(type, () => drop.classList.remove("infostd-validator-over"));
  drop.addEventListener("drop", (event) => {
    event.preventDefault();
    const file = event.dataTransfer?.files?.[0];
    if (file) open(file);
  });
  $("infostd-lang").addEventListener("change", run);
  $("infostd-download").addEventListener("click", download);
  $("infostd-version").textContent = infostd.VERSION;
  document.body.dataset.infostdValidator = "ready"; // tests wait for this
}

setup();
