import sharp from 'sharp'
import { rssBytesOf } from './probes'

export type BenchFileType = 'text/plain' | 'image/png'

const PARAGRAPH = 'Grüße aus dem Büro — the quarterly report, draft 3: “numbers attached”, ½ done. 日本語のメモ.\n'

/**
 * UTF-8 text of exactly `bytes` bytes, tagged so no two files are alike. Multi-byte characters throughout, so
 * the type check decodes real UTF-8; the cut at the end is padded with ASCII to stay on a character boundary.
 */
function text(bytes: number, tag: string): Buffer {
  const head = `switchboard files bench ${tag}\n`
  const body = Buffer.from(head + PARAGRAPH.repeat(Math.ceil(bytes / Buffer.byteLength(PARAGRAPH))))
  let cut = bytes - 1
  while (cut > 0 && (body[cut]! & 0xC0) === 0x80) cut--
  const out = Buffer.alloc(bytes, '.')
  body.copy(out, 0, 0, cut)
  out[bytes - 1] = 0x0A
  return out
}

/**
 * A real PNG no larger than `bytes`: a square of one colour per file, stored without deflate so its size is
 * predictable (≈ 3 bytes a pixel) and sharp has to decode every row of it for the preview.
 */
async function png(bytes: number, index: number): Promise<Buffer> {
  const background = { r: (index * 37) % 256, g: (index * 91) % 256, b: (index * 53) % 256 }
  for (let side = Math.floor(Math.sqrt(bytes / 3)); side > 1; side--) {
    const out = await sharp({ create: { width: side, height: side, channels: 3, background } }).png({ compressionLevel: 0 }).toBuffer()
    if (out.length <= bytes) return out
  }
  throw new Error(`no PNG fits in ${bytes} bytes`)
}

export function benchFile(type: BenchFileType, bytes: number, index: number, tag: string): Promise<Buffer> {
  return type === 'image/png' ? png(bytes, index) : Promise.resolve(text(bytes, `${tag}-${index}`))
}

/** VmRSS of one process every `everyMs`, kept whole so a run can report its baseline, per-phase peaks and shape. */
export class RssSampler {
  readonly samples: Array<[ms: number, bytes: number]> = []
  private readonly started = performance.now()
  private readonly timer: ReturnType<typeof setInterval>

  constructor(readonly pid: number, everyMs = 100) {
    this.tick()
    this.timer = setInterval(() => this.tick(), everyMs)
  }

  private tick() {
    const rss = rssBytesOf(this.pid)
    if (rss !== undefined) this.samples.push([Math.round(performance.now() - this.started), rss])
  }

  /** Index of the next sample: the start of a phase. */
  mark(): number {
    this.tick()
    return this.samples.length - 1
  }

  peak(from: number, to = this.samples.length): number {
    let max = 0
    for (const [, rss] of this.samples.slice(from, to)) max = Math.max(max, rss)
    return max
  }

  latest(): number {
    this.tick()
    return this.samples[this.samples.length - 1]![1]
  }

  stop() {
    clearInterval(this.timer)
  }
}
