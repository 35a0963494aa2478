// A small CSV writer for report downloads (RFC 4180: comma-separated, CRLF line ends, a field quoted
// when it holds a quote, comma or line break, quotes doubled). The reader of a report download is a
// spreadsheet, which runs a cell starting with = + - @ (or a tab or carriage return) as a formula; keys
// such as a channel or language come from the helpdesk, so such a text cell gets a leading apostrophe
// (OWASP's "CSV injection" advice) and stays text. Numbers are written as they are. Parsing CSV
// (src/accounts/csv.ts) is csv-parse's job; this only writes.

/** One cell: text, a number, or nothing (an empty cell). */
export type CsvValue = string | number | null | undefined

const formulaStart = /^[=+\-@\t\r]/

/** One cell as written in the file. */
export function csvCell(value: CsvValue): string {
  if (value === null || value === undefined) return ''
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : ''
  const text = formulaStart.test(value) ? `'${value}` : value
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text
}

/** A whole CSV document: the header row, then each row, every line ending in CRLF. */
export function toCsv(header: readonly string[], rows: ReadonlyArray<readonly CsvValue[]>): string {
  return [header, ...rows].map((row) => `${row.map(csvCell).join(',')}\r\n`).join('')
}
