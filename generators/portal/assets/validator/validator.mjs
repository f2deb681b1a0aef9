// The portal's in-browser validator page: hands a picked or dropped file to its worker
// (validator-worker.mjs: reading, checking by the generated infostd-validators.mjs, the
// red-marked workbook) and renders what comes back, a bar showing progress meanwhile. No
// network: the file is read with File APIs and never sent anywhere. The main thread only
// renders, in slices, so it never blocks for long even with 20,000 rows.

const SHOWN = 300; // rows of the on-page table (a longer table costs seconds of layout); the CSV and the marked workbook have all
const SLICE = 50; // table rows rendered per frame
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
    details: "逐条错误",
    groups: "按字段和规则汇总",
    groupHead: ["字段", "规则", "处数", "行号"],
    more: (n) => ` 等（另有 ${n} 行）`,
    downloadCsv: "下载校验结果（CSV）",
    downloadMarked: "下载标红的 Excel",
    stages: { parse: "正在读取文件…", validate: "正在校验…", render: "正在整理结果…" },
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
    details: "Errors",
    groups: "By field and rule",
    groupHead: ["Field", "Rule", "Count", "Rows"],
    more: (n) => ` and ${n} more`,
    downloadCsv: "Download the results (CSV)",
    downloadMarked: "Download the marked workbook (Excel)",
    stages: { parse: "Reading the file…", validate: "Validating…", render: "Preparing the results…" },
  },
};

const $ = (id) => document.getElementById(id);
let current = null; // {name, report, title, fields}
let finished = 0; // files done, exposed for tests as body[data-infostd-finished]
let worker = null;
let rendering = 0; // a newer render cancels an older one still slicing

// What the page knows from the build: Chinese rule names and each record's standard page.
const config = () => document.querySelector(".infostd-validator").dataset;
const ruleNames = () => JSON.parse(config().ruleNames || "{}");
const pages = () => JSON.parse(config().pages || "{}");

function ruleName(rule, lang) {
  if (lang !== "zh") return rule;
  const names = ruleNames();
  if (names[rule]) return names[rule];
  const [head, ...rest] = rule.split(":");
  if (head === "rule" && rest.length) return `业务规则 ${rest.join(":")}`;
  const prefix = Object.keys(names).sort((x, y) => y.length - x.length).find((k) => rule.startsWith(`${k}:`));
  return prefix ? names[prefix] : rule;
}

// The rule a finding breaks, on its standard page: the field's row, or the record's rules.
function ruleHref(record, field) {
  const page = pages()[record];
  if (!page) return null;
  return field ? `${page}#${record}.${field}` : `${page}#schema-${record}`;
}

// ── rendering ──────────────────────────────────────────────────────────────
function cell(tag, text, label) {
  const node = document.createElement(tag);
  node.textContent = text ?? "";
  if (label) node.dataset.label = label;
  return node;
}

function ruleCell(e, record, lang, label) {
  const td = cell("td", "", label);
  const href = ruleHref(record, e.field);
  const name = ruleName(e.rule, lang);
  if (href) {
    const a = document.createElement("a");
    a.href = href;
    a.textContent = name;
    td.append(a);
  } else {
    td.textContent = name;
  }
  return td;
}

function fieldLabel(key) {
  return key === null || key === undefined ? "" : current.fields[key] ?? key;
}

// The table of one section, SLICE rows per frame (a long table never blocks the page).
function fillTable(section, items, record, lang, token) {
  const body = section.querySelector("tbody");
  const head = TEXT[lang].head;
  body.replaceChildren();
  const rows = items.slice(0, SHOWN);
  return new Promise((resolve) => {
    let at = 0;
    const step = () => {
      if (token !== rendering) return resolve(false);
      const part = document.createDocumentFragment();
      for (const e of rows.slice(at, at + SLICE)) {
        const tr = document.createElement("tr");
        Object.assign(tr.dataset, { row: e.row ?? "", field: e.field ?? "", rule: e.rule });
        tr.append(cell("td", e.row === null ? "" : String(e.row), head[0]));
        tr.append(cell("td", e.column ?? "", head[1]));
        tr.append(cell("td", fieldLabel(e.field), head[2]));
        tr.append(ruleCell(e, record, lang, head[3]));
        tr.append(cell("td", e.message ?? "", head[4]));
        tr.append(cell("td", e.value === null || e.value === undefined ? "" : String(e.value), head[5]));
        part.append(tr);
      }
      body.append(part);
      at += SLICE;
      if (at < rows.length) requestAnimationFrame(step);
      else resolve(true);
    };
    step();
  });
}

// Findings grouped by field and rule: how many, on which rows, and the rule's place.
function fillGroups(errors, record, lang) {
  const t = TEXT[lang];
  const groups = new Map();
  for (const e of errors) {
    const key = `${e.field ?? ""}\u0000${e.rule}`;
    if (!groups.has(key)) groups.set(key, { e, rows: [] });
    if (e.row !== null && e.row !== undefined) groups.get(key).rows.push(e.row);
  }
  const section = $("infostd-groups");
  section.hidden = groups.size === 0;
  section.querySelector("h2").textContent = t.groups;
  section.querySelectorAll("thead th").forEach((th, i) => (th.textContent = t.groupHead[i]));
  const body = section.querySelector("tbody");
  body.replaceChildren();
  const sorted = [...groups.values()].sort((x, y) => y.rows.length - x.rows.length);
  for (const { e, rows } of sorted) {
    const tr = document.createElement("tr");
    Object.assign(tr.dataset, { field: e.field ?? "", rule: e.rule });
    tr.append(cell("td", fieldLabel(e.field), t.groupHead[0]));
    tr.append(ruleCell(e, record, lang, t.groupHead[1]));
    tr.append(cell("td", String(Math.max(rows.length, 1)), t.groupHead[2]));
    const shown = rows.slice(0, 10).join("、") + (rows.length > 10 ? t.more(rows.length - 10) : "");
    tr.append(cell("td", shown, t.groupHead[3]));
    body.append(tr);
  }
}

async function show(lang) {
  const token = ++rendering;
  const t = TEXT[lang];
  const report = current.report;
  const file = report.files[0];
  const counts = { name: file.path, title: current.title, rows: file.rows, invalid: file.invalid_rows, errors: file.errors.length, warnings: file.warnings.length };
  $("infostd-summary").textContent = `${t.summary(counts)}${report.valid ? ` ${t.valid}` : ""}`;
  $("infostd-summary").className = report.valid ? "infostd-validator-ok" : "infostd-validator-bad";
  fillGroups(file.errors, file.record, lang);
  $("infostd-warnings").querySelector("h2").textContent = t.warnings;
  $("infostd-errors").querySelector("h2").textContent = t.details;
  $("infostd-download").textContent = t.downloadCsv;
  $("infostd-marked").textContent = t.downloadMarked;
  $("infostd-download").hidden = file.errors.length + file.warnings.length === 0;
  $("infostd-marked").hidden = file.errors.length === 0;
  for (const [id, items] of [["infostd-errors", file.errors], ["infostd-warnings", file.warnings]]) {
    const section = $(id);
    section.hidden = items.length === 0;
    section.querySelectorAll("thead th").forEach((th, i) => (th.textContent = t.head[i]));
    section.querySelector(".infostd-validator-more").textContent = items.length > SHOWN ? t.truncated(items.length) : "";
  }
  const done = await fillTable($("infostd-errors"), file.errors, file.record, lang, token);
  return done && (await fillTable($("infostd-warnings"), file.warnings, file.record, lang, token));
}

function setProgress(value) {
  const bar = $("infostd-progress");
  bar.hidden = value === null;
  if (value !== null) bar.value = value;
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

function finish() {
  setProgress(null);
  document.body.dataset.infostdFinished = String(++finished);
}

function problem(lang, unusable, message) {
  current = null;
  rendering += 1;
  $("infostd-summary").textContent = "";
  const node = $("infostd-problem");
  node.textContent = (unusable ? TEXT[lang].unusable : TEXT[lang].internal) + message;
  node.hidden = false;
  finish();
}

function save(name, bytes, type) {
  const link = document.createElement("a");
  link.href = URL.createObjectURL(new Blob([bytes], { type }));
  link.download = name;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(link.href), 0);
}

function startWorker() {
  if (worker) return worker;
  worker = new Worker(new URL("./validator-worker.mjs", import.meta.url), { type: "module" });
  worker.onmessage = async (event) => {
    const message = event.data;
    const lang = $("infostd-lang").value;
    if (message.type === "progress") {
      setProgress(message.value);
      $("infostd-summary").textContent = TEXT[lang].stages[message.stage] ?? TEXT[lang].reading;
    } else if (message.type === "report") {
      current = { ...current, report: message.report, title: message.title, fields: message.fields };
      $("infostd-results").hidden = false;
      if (await show(lang)) finish();
    } else if (message.type === "marked") {
      save(`${message.name.replace(/\.[^.]*$/, "")}-校验结果.xlsx`, message.bytes, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
    } else if (message.type === "problem") {
      problem(lang, message.unusable, message.message);
    }
  };
  worker.onerror = (event) => problem($("infostd-lang").value, false, event.message || "worker");
  return worker;
}

async function open(file) {
  const lang = $("infostd-lang").value;
  $("infostd-problem").hidden = true;
  $("infostd-results").hidden = true;
  $("infostd-summary").className = "";
  $("infostd-summary").textContent = TEXT[lang].reading;
  setProgress(0.05);
  current = { name: file.name };
  try {
    const buffer = await file.arrayBuffer();
    setProgress(0.15);
    startWorker().postMessage({ type: "open", name: file.name, buffer, lang }, [buffer]);
  } catch (e) {
    problem(lang, false, e?.message ?? String(e));
  }
}

function relang() {
  if (!current?.report) return;
  startWorker().postMessage({ type: "lang", lang: $("infostd-lang").value });
}

function download() {
  if (!current?.report) return;
  const lang = $("infostd-lang").value;
  save(`${current.name.replace(/\.[^.]*$/, "")}-校验结果.csv`, csvReport(current.report, lang), "text/csv;charset=utf-8");
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
  $("infostd-lang").addEventListener("change", relang);
  $("infostd-download").addEventListener("click", download);
  $("infostd-marked").addEventListener("click", () => current?.report && startWorker().postMessage({ type: "marked" }));
  document.body.dataset.infostdValidator = "ready"; // tests wait for this
}

setup();
