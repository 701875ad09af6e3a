import type { Readable } from 'node:stream'

/** What a virus scanner said about one stream of bytes. */
export type ScanVerdict = { clean: true } | { clean: false, signature: string }

/**
 * A virus scanner that reads a stream: clamd over INSTREAM (CLAMAV_SOCKET or CLAMAV_HOST). When none is
 * configured the selector returns undefined, and files are checked for type and size only ("not virus-scanned").
 * scan() throws when the scanner cannot answer (down, timed out, over its stream limit), so the job retries.
 */
export interface VirusScanner {
  readonly kind: 'clamd'
  scan(body: Readable): Promise<ScanVerdict>
  /** true when the scanner answers PING. */
  ping(): Promise<boolean>
}
