import { ServerFrame } from '#shared/schemas/events'

let dropped = 0

/**
 * The one place a socket frame is trusted: parsed once against the shared union (contract §5), so everything
 * past it switches on `type` with no casts. A frame that fails is dropped and counted, and logged in development.
 */
export function parseServerFrame(text: string): ServerFrame | undefined {
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch {
    json = undefined
  }
  const parsed = ServerFrame.safeParse(json)
  if (parsed.success) return parsed.data
  dropped++
  if (import.meta.dev) console.debug('[realtime] dropped an invalid frame', { dropped, issues: parsed.error.issues, text })
  return undefined
}
