// The 在线校验 page's worker: reading, checking and the red-marked workbook run here, so a
// 20,000-row file never freezes the page. Messages in: {type: "open", name, buffer, lang},
// {type: "lang", lang}, {type: "marked"}. Out: progress, report, marked (bytes), problem.
import * as infostd from "./infostd-validators.mjs";
import { readTable } from "./read.mjs";
import { markedWorkbook } from "./xlsx-write.mjs";

let current = null; // {name, table, report}

const progress = (stage, value) => postMessage({ type: "progress", stage, value });

const text = (value) => infostd.display(value) ?? "";

function check(lang) {
  progress("validate", 0.6);
  const report = infostd.validateTables([current.table], { lang });
  current.report = report;
  const record = infostd.RECORDS[report.files[0].record];
  const fields = Object.fromEntries(record.fields.map((f) => [f[0], f[1]]));
  progress("render", 0.9);
  postMessage({ type: "report", report, title: record.title, fields });
}

function marked() {
  const { table, report, name } = current;
  const file = report.files[0];
  const bytes = markedWorkbook({
    sheet: table.sheet || infostd.RECORDS[file.record].title,
    headers: table.headers.map(text),
    labels: table.labels,
    rows: Array.from(table.rows, ([number, cells]) => [number, cells.map(text)]), // re-iterable
    errors: file.errors,
  });
  postMessage({ type: "marked", name, bytes }, [bytes.buffer]);
}

self.onmessage = (event) => {
  const message = event.data;
  try {
    if (message.type === "open") {
      current = null;
      progress("parse", 0.2);
      const table = readTable(message.name, new Uint8Array(message.buffer));
      current = { name: message.name, table, report: null };
      check(message.lang);
    } else if (message.type === "lang" && current) {
      check(message.lang);
    } else if (message.type === "marked" && current?.report) {
      marked();
    }
  } catch (e) {
    current = null;
    postMessage({ type: "problem", unusable: e instanceof infostd.UnusableInput, message: e?.message ?? String(e) });
  }
};
