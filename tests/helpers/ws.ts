import { randomUUID } from 'node:crypto'
import { afterEach } from 'vitest'
import WebSocket from 'ws'

export interface Frame { type: string, id?: string, ok?: boolean, data?: any, error?: any, conversationId?: string, seq?: number }

export interface TestSocket {
  ws: WebSocket
  frames: Frame[]
  /** Sends a raw string or a frame object. */
  send(frame: unknown): void
  /** Sends an op with a fresh id and resolves with its one reply. */
  request(type: string, data?: unknown): Promise<Frame>
  /** The next frame (after those already consumed) matching the predicate. */
  next(predicate?: (f: Frame) => boolean, timeoutMs?: number): Promise<Frame>
  closed: Promise<{ code: number, reason: string }>
  close(): void
}

const open = new Set<WebSocket>()
// The protocol is JSON in text frames: a browser would get a binary frame as a Blob and could not read it. The
// hub sends pre-encoded bytes (once per event, not per socket), so every socket of every test checks the kind.
let binaryFrames = 0
afterEach(() => {
  for (const ws of open) ws.terminate()
  open.clear()
  const seen = binaryFrames
  binaryFrames = 0
  if (seen) throw new Error(`the server sent ${seen} binary frame(s); every frame must be text`)
})

export function wsUrl(baseURL: string, token?: string) {
  const url = new URL('/ws', baseURL.replace(/^http/, 'ws'))
  if (token) url.searchParams.set('token', token)
  return url.toString()
}

/** The HTTP status of a refused upgrade, or 101 when the socket opened. */
export function upgradeStatus(url: string, headers: Record<string, string> = {}): Promise<number> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { headers })
    ws.on('unexpected-response', (_req, res) => {
      resolve(res.statusCode ?? 0)
      ws.terminate()
    })
    ws.on('open', () => {
      resolve(101)
      ws.terminate()
    })
    ws.on('error', (error) => {
      if (!String(error.message).includes('Unexpected server response')) reject(error)
    })
  })
}

/** Opens an authenticated socket and waits for `ready`; every socket is closed after each test. */
export async function wsConnect(baseURL: string, auth: { token?: string, headers?: Record<string, string> }): Promise<TestSocket & { ready: Frame }> {
  const ws = new WebSocket(wsUrl(baseURL, auth.token), { headers: auth.headers })
  open.add(ws)
  const frames: Frame[] = []
  let cursor = 0
  const waiters: Array<() => void> = []
  ws.on('message', (data, isBinary) => {
    if (isBinary) binaryFrames++
    frames.push(JSON.parse(String(data)))
    for (const wake of waiters.splice(0)) wake()
  })
  const closed = new Promise<{ code: number, reason: string }>((resolve) => {
    ws.on('close', (code, reason) => {
      open.delete(ws)
      resolve({ code, reason: String(reason) })
      for (const wake of waiters.splice(0)) wake()
    })
  })
  ws.on('error', () => {})
  const next = async (predicate: (f: Frame) => boolean = () => true, timeoutMs = 10_000): Promise<Frame> => {
    const deadline = Date.now() + timeoutMs
    for (;;) {
      while (cursor < frames.length) {
        const frame = frames[cursor++]!
        if (predicate(frame)) return frame
      }
      if (ws.readyState === WebSocket.CLOSED) throw new Error(`socket closed while waiting; frames: ${JSON.stringify(frames.slice(-5))}`)
      const remaining = deadline - Date.now()
      if (remaining <= 0) throw new Error(`timed out waiting for a frame; last: ${JSON.stringify(frames.slice(-5))}`)
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, remaining)
        waiters.push(() => {
          clearTimeout(timer)
          resolve()
        })
      })
    }
  }
  const socket: TestSocket = {
    ws,
    frames,
    send: frame => ws.send(typeof frame === 'string' ? frame : JSON.stringify(frame)),
    async request(type, data = {}) {
      const id = randomUUID()
      ws.send(JSON.stringify({ type, id, data }))
      // Replies may come after events: search every frame, not only from the cursor.
      const deadline = Date.now() + 10_000
      for (;;) {
        const found = frames.find(f => f.type === 'reply' && f.id === id)
        if (found) return found
        if (Date.now() > deadline) throw new Error(`no reply to ${type}`)
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, 50)
          waiters.push(() => {
            clearTimeout(timer)
            resolve()
          })
        })
      }
    },
    next,
    closed,
    close: () => ws.close()
  }
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve())
    ws.once('unexpected-response', (_req, res) => reject(new Error(`upgrade refused: ${res.statusCode}`)))
  })
  const ready = await next(f => f.type === 'ready')
  return { ...socket, ready }
}
