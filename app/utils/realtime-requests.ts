import type { FrameOf } from '#shared/schemas/events'
import { RealtimeRequestError } from './outbox-sender'

interface Pending { resolve: (data: unknown) => void, reject: (error: Error) => void, timer: ReturnType<typeof setTimeout> }

/** Ops awaiting their one `reply` (contract §5), by id; each fails on timeout or when the socket goes. */
export function createRequestTable(timeoutMs = 10_000) {
  const pending = new Map<string, Pending>()
  let nextId = 0

  function open<T>(send: (id: string) => void): Promise<T> {
    const id = `c${++nextId}`
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        pending.delete(id)
        reject(new RealtimeRequestError('timeout', 'No reply from the server'))
      }, timeoutMs)
      // Reply data is whatever the op returns (contract §5, not in the frame schema): T is the caller's word.
      pending.set(id, { resolve: data => resolve(data as T), reject, timer })
      send(id)
    })
  }

  function settle(frame: FrameOf<'reply'>) {
    const p = pending.get(frame.id)
    if (!p) return
    pending.delete(frame.id)
    clearTimeout(p.timer)
    if (frame.ok) p.resolve(frame.data)
    else p.reject(new RealtimeRequestError(frame.error?.code ?? 'unknown', frame.error?.message ?? 'Request failed', frame.error ?? {}))
  }

  function failAll() {
    for (const p of pending.values()) {
      clearTimeout(p.timer)
      p.reject(new RealtimeRequestError('disconnected', 'Connection lost'))
    }
    pending.clear()
  }

  return { open, settle, failAll }
}
