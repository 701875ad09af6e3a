import { RealtimeRequestError } from './outbox-sender'

export interface ReplyFrame { id?: string, ok?: boolean, data?: unknown, error?: { code?: string, message?: string } }
interface Pending { resolve: (data: never) => void, reject: (error: Error) => void, timer: ReturnType<typeof setTimeout> }

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
      pending.set(id, { resolve: resolve as (data: never) => void, reject, timer })
      send(id)
    })
  }

  function settle(frame: ReplyFrame) {
    const p = frame.id ? pending.get(frame.id) : undefined
    if (!p) return
    pending.delete(frame.id!)
    clearTimeout(p.timer)
    if (frame.ok) p.resolve(frame.data as never)
    else p.reject(new RealtimeRequestError(frame.error?.code ?? 'unknown', frame.error?.message ?? 'Request failed'))
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
