import type { ServerFrame } from '#shared/schemas/events'

export interface RealtimeClient {
  start: () => void
  stop: () => void
  ready: () => boolean
  request: <T>(type: string, data: object) => Promise<T>
  /** A fire-and-forget op (no `id`, so no reply): typing, presence. */
  notify: (type: string, data: object) => boolean
  catchUp: (conversationId: string, from?: number) => void
  flushOutbox: () => void
}

const REQUEST_TIMEOUT_MS = 10_000
const PING_MAX_MS = 25_000
const CLOSE_TOO_MANY_SOCKETS = 4008
// The server ended this socket's credentials: session revoked, token expired or the account suspended.
const CLOSE_AUTH = 4001

let client: RealtimeClient | undefined

const noop: RealtimeClient = {
  start: () => {},
  stop: () => {},
  ready: () => false,
  request: () => Promise.reject(new RealtimeRequestError('disconnected', 'Not connected')),
  notify: () => false,
  catchUp: () => {},
  flushOutbox: () => {}
}

/** The browser's one socket (created by plugins/realtime.client.ts); a no-op during SSR. */
export function useRealtime(): RealtimeClient {
  if (import.meta.server) return noop
  return (client ??= createRealtimeClient())
}

/** Contract §5 client. Call once in a setup context: it captures stores and the router. */
function createRealtimeClient(): RealtimeClient {
  const rt = useRealtimeStore()
  const auth = useAuthStore()
  const sync = createRealtimeSync((type, data) => request(type, data))
  const sender = createOutboxSender({ ready, request: (type, data) => request(type, data) })
  const requests = createRequestTable(REQUEST_TIMEOUT_MS)
  let ws: WebSocket | null = null
  let started = false
  let retryTimer: ReturnType<typeof setTimeout> | undefined
  let pingTimer: ReturnType<typeof setInterval> | undefined

  function ready() {
    return rt.status === 'open' && ws?.readyState === WebSocket.OPEN
  }

  function connect() {
    clearTimeout(retryTimer)
    if (!started || ws) return
    if (!navigator.onLine) {
      rt.status = 'offline'
      return
    }
    rt.status = rt.attempt > 0 || rt.status === 'offline' ? 'reconnecting' : 'connecting'
    const socket = new WebSocket(`${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/ws`)
    ws = socket
    socket.onmessage = (event) => {
      const frame = ws === socket ? parseServerFrame(String(event.data)) : undefined
      if (frame) onFrame(frame)
    }
    socket.onclose = (event) => {
      if (ws === socket) dropped(event.code)
    }
    // An upgrade that opens but never says `ready` is as good as a failed one.
    setTimeout(() => {
      if (ws === socket && rt.status !== 'open') abandon('no ready frame')
    }, REQUEST_TIMEOUT_MS)
  }

  /** The socket is gone (closed by either side, or abandoned): fail its requests and schedule the next try. */
  function dropped(code?: number) {
    ws = null
    clearInterval(pingTimer)
    rt.connectionId = null
    requests.failAll()
    if (started && code === CLOSE_AUTH) return void checkSession()
    // 4008: the server closed our oldest socket for a newer one (8 per user). Reconnecting would evict
    // another tab in turn; wait until this tab is looked at again (sends fall back to REST meanwhile).
    if (!started || code === CLOSE_TOO_MANY_SOCKETS) rt.status = 'idle'
    else if (!navigator.onLine) rt.status = 'offline'
    else {
      rt.status = 'reconnecting'
      retryTimer = setTimeout(connect, backoffDelay(rt.attempt++))
    }
  }

  /**
   * After a 4001 the session may still be fine (a bearer token expired): reconnect then. If the server says
   * the session is over or the account suspended, stop and send this tab to sign-in with the reason.
   */
  async function checkSession() {
    rt.status = 'reconnecting'
    const ended = await auth.recheck()
    if (!ended) {
      retryTimer = setTimeout(connect, backoffDelay(rt.attempt++))
      return
    }
    started = false
    rt.status = 'idle'
    await navigateTo({ path: '/login', query: { reason: ended } }, { replace: true })
  }

  function abandon(reason: string) {
    const socket = ws
    if (!socket) return
    dropped()
    socket.close(4000, reason)
  }

  function onFrame(frame: ServerFrame) {
    if (frame.type === 'reply') return requests.settle(frame)
    if (frame.type === 'ready') return void onReady(frame.data)
    if (frame.type === 'error') return console.warn('[realtime]', frame.error.code, frame.error.message)
    sync.handle(frame)
  }

  async function onReady(data: { connectionId: string, heartbeatMs: number }) {
    rt.status = 'open'
    rt.attempt = 0
    rt.connectionId = data.connectionId
    rt.heartbeatMs = data.heartbeatMs
    startPing(data.heartbeatMs)
    if (document.visibilityState === 'hidden') notify('presence', { status: 'away' })
    await sync.syncAll()
    void sender.flush()
  }

  /** Keeps the socket alive and compares heads, so a lost *last* event is noticed; no reply means a dead socket. */
  function startPing(heartbeatMs: number) {
    clearInterval(pingTimer)
    const every = Math.min(heartbeatMs > 0 ? heartbeatMs / 2 : PING_MAX_MS, PING_MAX_MS)
    pingTimer = setInterval(async () => {
      try {
        const reply = await request<{ heads?: Record<string, number> }>('ping', {})
        sync.checkHeads(reply?.heads ?? {})
      } catch (error) {
        if (error instanceof RealtimeRequestError && error.code === 'timeout') abandon('ping timeout')
      }
    }, every)
  }

  function request<T>(type: string, data: object): Promise<T> {
    const socket = ws
    if (!socket || !ready()) return Promise.reject(new RealtimeRequestError('disconnected', 'Not connected'))
    return requests.open<T>(id => socket.send(JSON.stringify({ type, id, data })))
  }

  function notify(type: string, data: object) {
    if (!ready()) return false
    ws!.send(JSON.stringify({ type, data }))
    return true
  }

  // Chromium keeps open sockets through an emulated (and sometimes a real) network loss, so the
  // `offline` event is treated as a disconnect: https://github.com/microsoft/playwright/issues/4910
  function onOffline() {
    rt.online = false
    clearTimeout(retryTimer)
    abandon('offline')
    rt.status = 'offline'
  }

  function onOnline() {
    rt.online = true
    rt.attempt = 0
    connect()
    void sender.flush()
  }

  function onVisibility() {
    const visible = document.visibilityState === 'visible'
    if (!notify('presence', { status: visible ? 'online' : 'away' }) && visible && !ws) connect()
  }

  function start() {
    if (started) return
    started = true
    rt.online = navigator.onLine
    window.addEventListener('offline', onOffline)
    window.addEventListener('online', onOnline)
    document.addEventListener('visibilitychange', onVisibility)
    connect()
    void sender.flush()
  }

  function stop() {
    started = false
    clearTimeout(retryTimer)
    window.removeEventListener('offline', onOffline)
    window.removeEventListener('online', onOnline)
    document.removeEventListener('visibilitychange', onVisibility)
    abandon('signed out')
    rt.status = 'idle'
  }

  return {
    start, stop, ready, request, notify,
    catchUp: (id, from) => sync.catchUp(id, ready(), from),
    flushOutbox: () => void sender.flush()
  }
}
