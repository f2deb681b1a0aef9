// A small xlsx reader for the in-browser validator: the cells of every sheet, typed as the
// reference validator's reader (python-calamine) gives them — text, numbers, booleans,
// and date-formatted numbers as CellDate — so the generated module checks them the same.
// Unzips with the vendored fflate; parses the XML with the browser's DOMParser, or in a
// Web Worker (which has none) with xml.mjs.
import { unzipSync } from "./fflate.mjs";
import { MiniDOMParser } from "./xml.mjs";

const MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";
const REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";
const DAY_MS = 86400000;
// Built-in number formats that calamine reads as dates (incl. the CJK ones) and as durations.
const DATE_FORMAT_IDS = new Set([14, 15, 16, 17, 18, 19, 20, 21, 22, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 45, 47, 50, 51, 52, 53, 54, 55, 56, 57, 58]);
const DURATION_FORMAT_IDS = new Set([46]);

export class XlsxError extends Error {}

// "date" | "duration" | "number" for a custom format code, the way calamine decides:
// a date/time letter outside quotes, escapes and [brackets] makes a date; [h] a duration.
export function formatKind(code) {
  let escaped = false;
  let quoted = false;
  let brackets = 0;
  let hms = false;
  for (const c of code) {
    if (escaped) escaped = false;
    else if (quoted) quoted = c !== '"';
    else if (c === "\\" || c === "_" || c === "*") escaped = true;
    else if (c === '"') quoted = true;
    else if (c === ";") return "number"; // only the first section counts
    else if (c === "[") brackets += 1;
    else if (c === "]") {
      if (brackets === 1 && hms) return "duration";
      brackets = Math.max(0, brackets - 1);
    } else if (brackets > 0) hms ||= "hHmMsS".includes(c);
    else if ("dDmMhHyYsS".includes(c)) return "date";
  }
  return "number";
}

const pad = (n, width = 2) => String(n).padStart(width, "0");

// Python's time.isoformat(): "HH:MM:SS" with ".ffffff" only when there are microseconds.
function timeText(ms) {
  const s = Math.floor(ms / 1000);
  const fraction = ms % 1000 ? `.${pad((ms % 1000) * 1000, 6)}` : "";
  return `${pad(Math.floor(s / 3600))}:${pad(Math.floor(s / 60) % 60)}:${pad(s % 60)}${fraction}`;
}

// An Excel serial as calamine converts it: below 1 a time of day, whole days a date,
// otherwise a date and time (milliseconds rounded; the 1900 leap-year bug before 1 March 1900).
export function serialToCell(serial, date1904, CellDate) {
  const ms = Math.round(serial * DAY_MS);
  if (serial < 1) return new CellDate(null, timeText(((ms % DAY_MS) + DAY_MS) % DAY_MS));
  const shifted = !date1904 && serial < 60 ? ms + DAY_MS : ms;
  const days = Math.floor(shifted / DAY_MS);
  const rest = shifted - days * DAY_MS;
  const epoch = date1904 ? Date.UTC(1904, 0, 1) : Date.UTC(1899, 11, 30);
  const date = new Date(epoch + days * DAY_MS).toISOString().slice(0, 10);
  return new CellDate(date, rest ? timeText(rest) : null);
}

// Python's str(timedelta) of a duration-formatted serial ("1 day, 2:00:00").
export function durationText(serial) {
  const ms = Math.round(serial * DAY_MS);
  const days = Math.floor(ms / DAY_MS);
  const clock = timeText(ms - days * DAY_MS).replace(/^0(?=\d)/, "");
  return days ? `${days} day${Math.abs(days) === 1 ? "" : "s"}, ${clock}` : clock;
}

function parse(files, path) {
  const data = files[path];
  if (!data) return null;
  const text = new TextDecoder().decode(data);
  if (text.includes("<!DOCTYPE") || text.includes("<!ENTITY")) throw new XlsxError(`${path} 含有 DTD，xlsx 规范不允许`);
  const Parser = globalThis.DOMParser ?? MiniDOMParser;
  const doc = new Parser().parseFromString(text, "application/xml");
  if (doc.getElementsByTagName("parsererror").length) throw new XlsxError(`${path} 不是有效的 XML`);
  return doc;
}

const children = (node, name) => Array.from(node.getElementsByTagNameNS(MAIN, name));

// Text of a string item: its <t> runs, without phonetic guides (<rPh>).
function itemText(node) {
  return children(node, "t")
    .filter((t) => t.parentNode.localName !== "rPh")
    .map((t) => t.textContent)
    .join("");
}

// Column index and row number of a reference like "AB12".
function cellRef(ref) {
  const m = /^([A-Z]+)(\d+)$/.exec(ref || "");
  if (!m) return null;
  let col = 0;
  for (const c of m[1]) col = col * 26 + c.charCodeAt(0) - 64;
  return [col - 1, Number(m[2])];
}

function styleKinds(styles) {
  if (!styles) return [];
  const custom = new Map(children(styles, "numFmt").map((f) => [Number(f.getAttribute("numFmtId")), f.getAttribute("formatCode") || ""]));
  const cellXfs = children(styles, "cellXfs")[0];
  if (!cellXfs) return [];
  return children(cellXfs, "xf").map((xf) => {
    const id = Number(xf.getAttribute("numFmtId") || 0);
    if (custom.has(id)) return formatKind(custom.get(id));
    if (DATE_FORMAT_IDS.has(id)) return "date";
    return DURATION_FORMAT_IDS.has(id) ? "duration" : "number";
  });
}

function sheetRows(doc, strings, kinds, date1904, CellDate, limits) {
  const maxCells = limits ? limits.xlsx_cells.value : Infinity;
  const rows = [];
  let width = 0;
  let height = 0;
  let rowNumber = 0;
  for (const row of children(doc, "row")) {
    rowNumber = Number(row.getAttribute("r")) || rowNumber + 1;
    let col = -1;
    for (const c of children(row, "c")) {
      const ref = cellRef(c.getAttribute("r"));
      col = ref ? ref[0] : col + 1;
      const number = ref ? ref[1] : rowNumber;
      const type = c.getAttribute("t") || "n";
      const v = children(c, "v")[0]?.textContent ?? null;
      let value = null;
      if (type === "s") value = v === null ? null : strings[Number(v)] ?? null;
      else if (type === "inlineStr") value = children(c, "is").map(itemText).join("");
      else if (type === "str" || type === "d") value = v;
      else if (type === "b") value = v === null ? null : v.trim() === "1" || v.trim().toLowerCase() === "true";
      else if (type === "e") value = "";
      else if (v !== null && v.trim() !== "") {
        value = Number(v);
        const kind = kinds[Number(c.getAttribute("s") || 0)] ?? "number";
        if (kind === "date" && Number.isFinite(value)) value = serialToCell(value, date1904, CellDate);
        else if (kind === "duration" && Number.isFinite(value)) value = durationText(value);
      }
      if (value === null) continue;
      if (number * (Math.max(width, col + 1)) > maxCells || Math.max(height, number) * (col + 1) > maxCells) {
        throw new XlsxError(`超过上限：${limits.xlsx_cells.what}`);
      }
      while (rows.length < number) rows.push([]);
      rows[number - 1][col] = value;
      if (value !== "") {
        width = Math.max(width, col + 1);
        height = Math.max(height, number);
      }
    }
  }
  // A rectangle from A1 to the last non-empty cell, blanks as null, as calamine's
  // to_python(skip_empty_area=False).
  return rows.slice(0, height).map((cells) => Array.from({ length: width }, (_, i) => cells[i] ?? null));
}

// Every sheet of a workbook, in order: [{name, rows}]; rows are arrays of cells from A1.
// CellDate is the generated module's class for date cells.
// `limits` (the generated module's LIMITS): the sizes the zip directory declares are summed
// before anything is inflated (fflate inflates each part into a buffer of its declared size,
// so a directory that lies fails), and a sheet's cell rectangle is bounded: a small file
// cannot make the tab allocate gigabytes.
export function readWorkbook(bytes, CellDate, limits = null) {
  let files;
  let declared = 0;
  const tooLarge = limits ? new XlsxError(`超过上限：${limits.xlsx_bytes.what}`) : null;
  const wanted = (f) => {
    declared += f.originalSize;
    if (limits && declared > limits.xlsx_bytes.value) throw tooLarge;
    return f.name.startsWith("xl/") && (f.name.endsWith(".xml") || f.name.endsWith(".rels"));
  };
  try {
    files = unzipSync(bytes, { filter: wanted });
  } catch (e) {
    if (e === tooLarge) throw e;
    throw new XlsxError("已损坏或不是有效的 xlsx 文件");
  }
  const workbook = parse(files, "xl/workbook.xml");
  if (!workbook) throw new XlsxError("已损坏或不是有效的 xlsx 文件（缺少 xl/workbook.xml）");
  const rels = parse(files, "xl/_rels/workbook.xml.rels");
  const targets = new Map();
  for (const rel of rels ? Array.from(rels.getElementsByTagName("Relationship")) : []) {
    const target = rel.getAttribute("Target") || "";
    targets.set(rel.getAttribute("Id"), target.startsWith("/") ? target.slice(1) : `xl/${target}`);
  }
  const props = children(workbook, "workbookPr")[0];
  const date1904 = ["1", "true"].includes(props?.getAttribute("date1904") ?? "");
  const shared = parse(files, "xl/sharedStrings.xml");
  const strings = shared ? children(shared, "si").map(itemText) : [];
  const kinds = styleKinds(parse(files, "xl/styles.xml"));
  return children(workbook, "sheet").map((sheet) => {
    const name = sheet.getAttribute("name");
    const doc = parse(files, targets.get(sheet.getAttributeNS(REL, "id")) ?? "");
    return { name, rows: doc ? sheetRows(doc, strings, kinds, date1904, CellDate, limits) : [] };
  });
}
