// The red-marked workbook of the 在线校验 page, written in the browser: the checked rows as
// they were read, every cell with an error filled red, and a last column 校验结果 with the
// row's messages. Cells are written as inline strings (never formulas: everything read is
// data); the zip is made by the vendored fflate.
import { strToU8, zipSync } from "./fflate.mjs";

const XML = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n';
const MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";
const REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";
const PKG = "http://schemas.openxmlformats.org/package/2006/relationships";

// Characters XML 1.0 cannot carry are dropped; the rest escaped.
function esc(text) {
  return String(text)
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g, "")
    .replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

export function columnLetter(index) {
  let name = "";
  for (let n = index + 1; n > 0; n = Math.floor((n - 1) / 26)) name = String.fromCharCode(65 + ((n - 1) % 26)) + name;
  return name;
}

function cellXml(ref, text, style) {
  const s = style ? ` s="${style}"` : "";
  if (text === null || text === undefined || text === "") return style ? `<c r="${ref}"${s}/>` : "";
  return `<c r="${ref}"${s} t="inlineStr"><is><t xml:space="preserve">${esc(text)}</t></is></c>`;
}

// Sheet names: at most 31 characters, none of []:*?/\
function sheetName(name) {
  return (String(name || "校验结果").replace(/[[\]:*?/\\]/g, "").slice(0, 31)) || "校验结果";
}

/**
 * headers: the header row's texts; labels: each column's name as findings give it (a letter);
 * rows: [[rowNumber, [cell texts]]] as in the checked file; errors: [{row, column, message}].
 * Returns the .xlsx bytes.
 */
export function markedWorkbook({ sheet, headers, labels, rows, errors, resultTitle = "校验结果" }) {
  const bad = new Map(); // row number → Map(column letter → messages)
  for (const e of errors) {
    if (e.row === null || e.row === undefined) continue;
    if (!bad.has(e.row)) bad.set(e.row, new Map());
    const cols = bad.get(e.row);
    const key = e.column ?? "";
    cols.set(key, [...(cols.get(key) ?? []), e.message]);
  }
  const width = headers.length;
  const out = [];
  const head = headers.map((h, i) => cellXml(`${columnLetter(i)}1`, h, 1)).join("") + cellXml(`${columnLetter(width)}1`, resultTitle, 1);
  out.push(`<row r="1">${head}</row>`);
  rows.forEach(([number, cells], i) => {
    const r = i + 2;
    const marks = bad.get(number);
    let xml = "";
    for (let c = 0; c < width; c++) {
      xml += cellXml(`${columnLetter(c)}${r}`, cells[c], marks?.has(labels[c]) ? 2 : 0);
    }
    const messages = marks ? [...marks.entries()].map(([col, list]) => (col ? `${col}列：` : "") + list.join("；")) : [];
    xml += cellXml(`${columnLetter(width)}${r}`, messages.length ? `第 ${number} 行：${messages.join("；")}` : "", messages.length ? 3 : 0);
    out.push(`<row r="${r}">${xml}</row>`);
  });
  const worksheet = `${XML}<worksheet xmlns="${MAIN}"><sheetViews><sheetView workbookViewId="0"><pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/></sheetView></sheetViews><sheetData>${out.join("")}</sheetData></worksheet>`;
  const styles = `${XML}<styleSheet xmlns="${MAIN}"><fonts count="3"><font><sz val="11"/><name val="等线"/></font><font><b/><sz val="11"/><name val="等线"/></font><font><sz val="11"/><color rgb="FF9C0006"/><name val="等线"/></font></fonts><fills count="3"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill><fill><patternFill patternType="solid"><fgColor rgb="FFFFC7CE"/><bgColor indexed="64"/></patternFill></fill></fills><borders count="1"><border/></borders><cellStyleXfs count="1"><xf/></cellStyleXfs><cellXfs count="4"><xf/><xf fontId="1" applyFont="1"/><xf fontId="2" fillId="2" applyFont="1" applyFill="1"/><xf fontId="2" applyFont="1"/></cellXfs></styleSheet>`;
  const files = {
    "[Content_Types].xml": `${XML}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/></Types>`,
    "_rels/.rels": `${XML}<Relationships xmlns="${PKG}"><Relationship Id="rId1" Type="${REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>`,
    "xl/workbook.xml": `${XML}<workbook xmlns="${MAIN}" xmlns:r="${REL}"><sheets><sheet name="${esc(sheetName(sheet))}" sheetId="1" r:id="rId1"/></sheets></workbook>`,
    "xl/_rels/workbook.xml.rels": `${XML}<Relationships xmlns="${PKG}"><Relationship Id="rId1" Type="${REL}/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="${REL}/styles" Target="styles.xml"/></Relationships>`,
    "xl/worksheets/sheet1.xml": worksheet,
    "xl/styles.xml": styles,
  };
  const zipped = {};
  for (const [name, text] of Object.entries(files)) zipped[name] = strToU8(text);
  return zipSync(zipped, { level: 6 });
}
