import WebSocket from 'ws'

/** A server frame of contract §5: an event (`message:new`, `presence`, …), a `reply`, `ready` or `error`. */
export interface ServerFrame {
  type: string
  id?: string
  ok?: boolean
  conversationId?: string
  seq?: number
  data?: any
  error?: { code: string, message: string }
}

export interface Reply { ok: boolean, data?: any, error?: { code: string, message: string }, at: number }

export type EventListener = (frame: ServerFrame, receivedAt: number, socket: BenchSocket) => void

export function wsUrl(baseURL: string, token: string): string {
  const url = new URL('/ws', baseURL)
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:'
  url.searchParams.set('token', token)
  return url.toString()
}

/**
 * One protocol client: waits for `ready`, numbers its ops and matches each `reply` by id, and hands every
 * other frame to `onEvent` with the time it arrived (performance.now(), the clock the senders stamp with too).
 */
export class BenchSocket {
  readonly frames: Record<string, number> = {}
  onEvent?: EventListener
  closeCode?: number
  private pending = new Map<string, (reply: Reply) => void>()
  private nextRef = 0

  private constructor(readonly ws: WebSocket, readonly userId: string) {
    ws.on('message', (raw, isBinary) => {
      const at = performance.now()
      if (isBinary) return
      const frame = JSON.parse(raw.toString()) as ServerFrame
      this.frames[frame.type] = (this.frames[frame.type] ?? 0) + 1
      if (frame.type === 'reply' && frame.id) {
        const settle = this.pending.get(frame.id)
        this.pending.delete(frame.id)
        settle?.({ ok: frame.ok === true, data: frame.data, error: frame.error, at })
      } else {
        this.onEvent?.(frame, at, this)
      }
    })
    ws.on('close', (code) => {
      this.closeCode = code
      for (const settle of this.pending.values()) settle({ ok: false, error: { code: 'closed', message: `socket closed ${code}` }, at: performance.now() })
      this.pending.clear()
    })
  }

  /** Opens a socket with `?token=` and resolves once `ready` arrived; rejects on refusal, close or timeout. */
  static connect(baseURL: string, token: string, userId: string, timeoutMs = 30_000): Promise<BenchSocket> {
    return new Promise((resolve, reject) => {
      // No permessage-deflate: the server does not negotiate it, and frames stay comparable across runs.
      const ws = new WebSocket(wsUrl(baseURL, token), { perMessageDeflate: false, handshakeTimeout: timeoutMs })
      const socket = new BenchSocket(ws, userId)
      const timer = setTimeout(() => fail(new Error('no ready frame in time')), timeoutMs)
      const refused = (_req: unknown, res: { statusCode?: number }) => fail(new Error(`upgrade refused: HTTP ${res.statusCode}`))
      const closed = (code: number) => fail(new Error(`closed ${code} before ready`))
      const fail = (error: Error) => {
        clearTimeout(timer)
        ws.terminate()
        reject(error)
      }
      ws.once('unexpected-response', refused)
      ws.once('error', fail)
      ws.once('close', closed)
      socket.onEvent = (frame) => {
        if (frame.type !== 'ready') return
        clearTimeout(timer)
        ws.off('unexpected-response', refused).off('error', fail).off('close', closed)
        ws.on('error', () => {})
        socket.onEvent = undefined
        resolve(socket)
      }
    })
  }

  get open() {
    return this.ws.readyState === WebSocket.OPEN
  }

  /** Sends one op with a fresh id; resolves with its reply (or a synthetic `timeout` / `closed` error). */
  request(type: string, data: unknown, timeoutMs = 30_000): Promise<Reply> {
    const id = `r${++this.nextRef}`
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.pending.delete(id)
        resolve({ ok: false, error: { code: 'timeout', message: `no reply in ${timeoutMs} ms` }, at: performance.now() })
      }, timeoutMs)
      this.pending.set(id, (reply) => {
        clearTimeout(timer)
        resolve(reply)
      })
      this.ws.send(JSON.stringify({ type, id, data }))
    })
  }

  /** Closes and resolves once the close handshake finished (or after 5 s, by terminating). */
  close(): Promise<void> {
    if (this.ws.readyState === WebSocket.CLOSED) return Promise.resolve()
    return new Promise((resolve) => {
      const timer = setTimeout(() => this.ws.terminate(), 5000)
      this.ws.once('close', () => {
        clearTimeout(timer)
        resolve()
      })
      this.ws.close(1000, 'bench done')
    })
  }
}
