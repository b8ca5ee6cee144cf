/**
 * A strict reader for the plain CSV files of the HMS metadata: header + rows, comma-separated,
 * double quotes honoured. Every problem names the file and the line.
 */
import { DataError } from '../../core/eeg';
import { readInputFile } from './input-file';

export interface CsvTable {
  path: string;
  header: string[];
  rows: string[][];
  /** 1-based line number of each row in the file, for messages. */
  lines: number[];
}

export async function readCsv(path: string): Promise<CsvTable> {
  return parseCsv((await readInputFile(path)).toString('utf8'), path);
}

export function parseCsv(text: string, path: string): CsvTable {
  const physical = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  const records: { fields: string[]; line: number }[] = [];
  physical.forEach((line, i) => {
    if (line.trim() !== '') records.push({ fields: splitLine(line, path, i + 1), line: i + 1 });
  });
  if (records.length === 0) throw new DataError(path, 'the file is empty');
  const header = records[0].fields.map((h) => h.trim());
  const rows: string[][] = [];
  const lines: number[] = [];
  for (const r of records.slice(1)) {
    if (r.fields.length !== header.length) {
      throw new DataError(path, `line ${r.line} has ${r.fields.length} fields, the header has ${header.length}`);
    }
    rows.push(r.fields);
    lines.push(r.line);
  }
  return { path, header, rows, lines };
}

function splitLine(line: string, path: string, lineNo: number): string[] {
  if (!line.includes('"')) return line.split(',');
  const out: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      out.push(field);
      field = '';
    } else field += ch;
  }
  if (quoted) throw new DataError(path, `line ${lineNo} has an unclosed quote`);
  out.push(field);
  return out;
}

/** Column accessors that fail with the file, line and column named. */
export function columnReader(table: CsvTable, required: readonly string[]) {
  const missing = required.filter((c) => !table.header.includes(c));
  if (missing.length) throw new DataError(table.path, `missing column(s) ${missing.join(', ')}`);
  const twice = required.find((c) => table.header.indexOf(c) !== table.header.lastIndexOf(c));
  if (twice) throw new DataError(table.path, `the header names column ${twice} twice: which one holds the values cannot be told`);
  const index = new Map(table.header.map((h, i) => [h, i]));
  return {
    text(row: number, column: string): string {
      const v = table.rows[row][index.get(column)!].trim();
      if (v === '') throw new DataError(table.path, `line ${table.lines[row]}: empty ${column}`);
      return v;
    },
    /** A whole-number identifier, as every id of the HMS files is: never a path, so never a way out of the dataset or the cache. */
    id(row: number, column: string): string {
      const v = this.text(row, column);
      if (!/^\d{1,20}$/.test(v))
        throw new DataError(table.path, `line ${table.lines[row]}: ${column} must be a whole-number id, got "${v.length > 40 ? `${v.slice(0, 40)}…` : v}"`);
      return v;
    },
    number(row: number, column: string): number {
      const raw = table.rows[row][index.get(column)!].trim();
      const v = Number(raw);
      if (raw === '' || !Number.isFinite(v)) {
        throw new DataError(table.path, `line ${table.lines[row]}: ${column} must be a number, got "${raw}"`);
      }
      return v;
    },
  };
}
