// RFC 4180 fields and rows, with spreadsheet formula injection neutralised.

// OWASP "CSV Injection": a cell starting with one of these is run as a formula by Excel, LibreOffice and
// Google Sheets. A leading apostrophe makes it text. https://owasp.org/www-community/attacks/CSV_Injection
const FORMULA_START = /^[=+\-@\t\r]/
const NEEDS_QUOTES = /[",\r\n]/

/** One field: null is empty, objects are JSON text; quoted when it holds `"`, `,`, CR or LF, quotes doubled. */
export function csvField(value: unknown): string {
  let text = value === null || value === undefined
    ? ''
    : typeof value === 'object' ? JSON.stringify(value) : String(value)
  if (FORMULA_START.test(text)) text = `'${text}`
  return NEEDS_QUOTES.test(text) ? `"${text.replaceAll('"', '""')}"` : text
}

/** One record, CRLF-terminated as RFC 4180 §2 asks. */
export function csvRow(values: unknown[]): string {
  return `${values.map(csvField).join(',')}\r\n`
}
