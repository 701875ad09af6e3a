import { fromBufferPromise } from 'yauzl'

/** A strict RFC 4180 reader: CRLF after every record, quotes only around whole fields. */
export function parseCsv(input: string): string[][] {
  const rows: string[][] = []
  let row: string[] = []
  let field = ''
  let quoted = false
  for (let i = 0; i < input.length; i++) {
    const c = input[i]!
    if (quoted) {
      if (c !== '"') field += c
      else if (input[i + 1] === '"') field += input[++i]
      else quoted = false
    } else if (c === '"') {
      if (field !== '') throw new Error(`quote inside an unquoted field at ${i}`)
      quoted = true
    } else if (c === ',') {
      row.push(field)
      field = ''
    } else if (c === '\r' && input[i + 1] === '\n') {
      rows.push([...row, field])
      row = []
      field = ''
      i++
    } else if (c === '\r' || c === '\n') {
      throw new Error(`bare line break at ${i}`)
    } else {
      field += c
    }
  }
  if (field !== '' || row.length > 0 || quoted) throw new Error('last record is not CRLF-terminated')
  return rows
}

/** Every entry of a zip, in order, read with yauzl (the reading side of yazl). */
export async function unzip(bytes: Buffer): Promise<Array<{ path: string, data: Buffer }>> {
  const zip = await fromBufferPromise(bytes, { lazyEntries: true })
  const out: Array<{ path: string, data: Buffer }> = []
  for await (const entry of zip.eachEntry()) {
    const stream = await zip.openReadStreamPromise(entry)
    const chunks: Buffer[] = []
    for await (const chunk of stream) chunks.push(chunk as Buffer)
    out.push({ path: entry.fileName, data: Buffer.concat(chunks) })
  }
  return out
}
