// Reading a picked file into one table, as the reference's readers choose it (runs in the
// page's worker, validator-worker.mjs).
import * as infostd from "./infostd-validators.mjs";
import { XlsxError, readWorkbook } from "./xlsx.mjs";

const IGNORED_SHEETS = new Set(["_meta", "代码表", "填写说明"]);

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

export function readTable(name, bytes) {
  const isZip = bytes[0] === 0x50 && bytes[1] === 0x4b && bytes[2] === 0x03 && bytes[3] === 0x04;
  if (/\.xls[xm]$/i.test(name) || isZip) return xlsxTable(name, bytes);
  if (bytes[0] === 0xd0 && bytes[1] === 0xcf) throw new infostd.UnusableInput(`${name}：文件已加密或为旧版 .xls 格式，请去除密码并另存为 .xlsx`);
  if (!bytes.length) throw new infostd.UnusableInput(`${name}：文件为空`);
  return infostd.readBytes(name.toLowerCase().endsWith(".csv") ? name : `${name}.csv`, bytes);
}

