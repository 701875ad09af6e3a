import sharp from 'sharp'
import type { Readable } from 'node:stream'

/** The longest side of a preview, in pixels. */
export const THUMBNAIL_MAX_PX = 480
/** Decompression-bomb limit: images over this many pixels get a file card, not a preview. */
export const MAX_INPUT_PIXELS = 40_000_000

// sharp decodes an image whole (compressed input plus pixels: ~2.5× the file), so previews run one at a time
// per process whatever FILE_SCAN_CONCURRENCY is, and sharp's operation cache is off: scans keep streaming
// side by side while memory for previews stays bounded by one image.
sharp.cache(false)
let previous: Promise<unknown> = Promise.resolve()
function oneAtATime<T>(work: () => Promise<T>): Promise<T> {
  const run = previous.then(work, work)
  previous = run.catch(() => {})
  return run
}

/**
 * A small WebP preview of an image stream. sharp drops EXIF, GPS and every other metadata unless asked to keep
 * them; the orientation is applied to the pixels first so portrait photos stay upright. Animated images keep
 * their first frame only. Returns undefined when the bytes are not a decodable image within the limits.
 */
export function makeThumbnail(open: () => Promise<Readable>): Promise<Buffer | undefined> {
  return oneAtATime(async () => render(await open()))
}

async function render(body: Readable): Promise<Buffer | undefined> {
  const pipeline = sharp({ limitInputPixels: MAX_INPUT_PIXELS, failOn: 'error', sequentialRead: true })
    .rotate()
    .resize(THUMBNAIL_MAX_PX, THUMBNAIL_MAX_PX, { fit: 'inside', withoutEnlargement: true })
    .webp({ quality: 78 })
  body.on('error', error => pipeline.destroy(error))
  body.pipe(pipeline)
  try {
    return await pipeline.toBuffer()
  } catch {
    body.destroy()
    return undefined
  }
}
