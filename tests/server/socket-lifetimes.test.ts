import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { signIn } from '../helpers/api'
import { ADMIN, startTestStack } from '../helpers/app-process'
import type { TestStack } from '../helpers/app-process'
import { dbMode } from '../helpers/server'
import { wsConnect } from '../helpers/ws'

// Its own app with short lifetimes: 4 s tokens, a 200 ms sweep, sockets idle after 1.5 s, and server pings
// far apart so only the client's own frames keep a socket alive.
// Every token here lives 4 s, so each test signs in right before it needs one (no fixtures to outlive).
let stack: TestStack

describe('socket lifetimes', () => {
  beforeAll(async () => {
    stack = await startTestStack(dbMode(), { TOKEN_TTL_SECONDS: '4', WS_SWEEP_MS: '200', WS_IDLE_MS: '1500', WS_HEARTBEAT_MS: '600000' })
  })
  afterAll(async () => {
    await stack?.teardown()
  })

  it('closes a socket with 4001 when its token expires', async () => {
    const fresh = await signIn(stack.app.baseURL, ADMIN.email, ADMIN.password)
    const s = await wsConnect(stack.app.baseURL, { token: fresh.token })
    const keepAlive = setInterval(() => s.send({ type: 'ping', data: {} }), 300)
    try {
      const closed = await s.closed
      expect(closed.code).toBe(4001)
    } finally {
      clearInterval(keepAlive)
    }
  })

  it('drops a socket that stays silent past the idle limit, and keeps one that pings', async () => {
    const fresh = await signIn(stack.app.baseURL, ADMIN.email, ADMIN.password)
    const silent = await wsConnect(stack.app.baseURL, { token: fresh.token })
    const chatty = await wsConnect(stack.app.baseURL, { token: fresh.token })
    const keepAlive = setInterval(() => chatty.send({ type: 'ping', data: {} }), 300)
    try {
      const closed = await silent.closed
      expect(closed.code).toBe(1006)
      expect(chatty.ws.readyState).toBe(chatty.ws.OPEN)
    } finally {
      clearInterval(keepAlive)
    }
  })
})
