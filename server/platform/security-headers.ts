import { createHash } from 'node:crypto'
import type { AppConfig } from './config'

/** The headers every response carries, whatever serves it (pages, API, static assets, storage routes). */
export const BASE_HEADERS: Readonly<Record<string, string>> = {
  'X-Content-Type-Options': 'nosniff',
  // frame-ancestors is the standard; X-Frame-Options is what older browsers and some scanners still read.
  'X-Frame-Options': 'DENY',
  // Same-origin requests keep the full URL (logs); links in messages tell third parties nothing, not even our origin.
  'Referrer-Policy': 'same-origin',
  // Features the app never uses. Only names Chromium knows: an unknown one is a console error on every page.
  'Permissions-Policy': ['accelerometer', 'autoplay', 'bluetooth', 'camera', 'display-capture', 'geolocation', 'gyroscope',
    'hid', 'magnetometer', 'microphone', 'midi', 'payment', 'serial', 'usb', 'browsing-topics'].map(f => `${f}=()`).join(', '),
  'Cross-Origin-Opener-Policy': 'same-origin'
}

/** A year, without includeSubDomains or preload: the app does not own its parent domain's other hosts. */
export const HSTS = 'max-age=31536000'

/** JSON and file answers are never documents that need to load anything. */
export const API_CSP = 'default-src \'none\'; frame-ancestors \'none\''

/**
 * The origins the browser talks to for attachments on STORAGE_DRIVER=s3: presigned PUTs (connect-src) and
 * GETs (img-src). The SDK signs path-style URLs on the endpoint's host (AWS's regional one without an endpoint) and
 * virtual-hosted ones on `<bucket>.<host>`, falling back to path style for bucket names DNS cannot carry.
 */
export function storageOrigins(storage: AppConfig['storage']): string[] {
  if (storage.driver !== 's3') return []
  const { bucket, endpoint, region, forcePathStyle } = storage.s3
  const base = new URL(endpoint ?? `https://s3.${region}.amazonaws.com`)
  return forcePathStyle ? [base.origin] : [base.origin, `${base.protocol}//${bucket}.${base.host}`]
}

const SCRIPT = /<script\b([^>]*)>([\s\S]*?)<\/script>/gi
const SRC_ATTRIBUTE = /\ssrc\s*=/i
const TYPE_ATTRIBUTE = /\stype\s*=\s*["']?([^"'\s>]+)/i
// Types a browser runs (or, for importmap, checks against script-src); anything else is a data block.
const EXECUTABLE_TYPES = new Set(['', 'text/javascript', 'application/javascript', 'module', 'importmap'])

/**
 * CSP hashes of the inline scripts in markup that the renderer produced (Nuxt's `window.__NUXT__` config and
 * anything else pushed through unhead), never of the page body, so a script that got into rendered content
 * is not allowed along with them. Data blocks (`type="application/json"`, Nuxt's payload) are not scripts to CSP.
 */
export function inlineScriptHashes(chunks: readonly string[]): string[] {
  const hashes = new Set<string>()
  for (const chunk of chunks) {
    for (const [, attributes = '', body = ''] of chunk.matchAll(SCRIPT)) {
      if (SRC_ATTRIBUTE.test(attributes)) continue
      const type = TYPE_ATTRIBUTE.exec(attributes)?.[1]?.toLowerCase() ?? ''
      if (!EXECUTABLE_TYPES.has(type)) continue
      hashes.add(`'sha256-${createHash('sha256').update(body, 'utf8').digest('base64')}'`)
    }
  }
  return [...hashes]
}

/**
 * The pages' policy. Scripts: our own origin plus the hashes of this response's inline scripts, no
 * 'unsafe-inline' or 'unsafe-eval'. Styles allow inline: Vue binds `style` attributes and Nuxt UI and
 * emoji-picker-element insert <style> elements. 'self' in connect-src covers the same-origin ws:/wss: socket (CSP3).
 */
export function pageCsp(storage: string[], scriptHashes: readonly string[] = []): string {
  const directives: Record<string, string[]> = {
    'default-src': ['\'self\''],
    'script-src': ['\'self\'', ...scriptHashes],
    'style-src': ['\'self\'', '\'unsafe-inline\''],
    // data: for small inline images (icons, CSS), blob: for local previews of picked files.
    'img-src': ['\'self\'', 'data:', 'blob:', ...storage],
    'font-src': ['\'self\'', 'data:'],
    'connect-src': ['\'self\'', ...storage],
    'media-src': ['\'self\'', ...storage],
    'worker-src': ['\'self\''],
    'manifest-src': ['\'self\''],
    'object-src': ['\'none\''],
    'frame-src': ['\'none\''],
    'base-uri': ['\'self\''],
    'form-action': ['\'self\''],
    'frame-ancestors': ['\'none\'']
  }
  return Object.entries(directives).map(([name, values]) => `${name} ${values.join(' ')}`).join('; ')
}
