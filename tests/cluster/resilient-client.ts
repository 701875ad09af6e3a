import { randomUUID } from 'node:crypto'
import WebSocket from 'ws'
import { wsUrl } from '../helpers/ws'
import type { Frame } from '../helpers/ws'

export interface AppliedEvent { seq: number, type: string, messageId?: string, via: 'live' | 'sync', connection: number }
export interface Ack { messageId: string, seq: number, duplicate: boolean, attempts: number }

interface Outgoing { conversationId: string, content: string, attempts: number, resolve: (ack: Ack) => void, reject: (error: Error) => void }
interface Pending { onReply: (frame: Frame) => void, onLost: () => void }

// Errors a retry cannot fix; anything else (internal, unavailable, a lost socket) is retried with the same clientId.
const PERMANENT = new Set(['validation_failed', 'not_found', 'forbidden', 'conflict', 'unauthorized'])

const sleep = (ms: number) => new Promise(r => setTimeout(r, ms))
const messageIdOf = (frame: Frame): string | undefined => frame.data?.message?.id ?? frame.data?.messageId

/**
 * The recovery path of contract §5 as a client would implement it: a cursor (last applied seq) per
 * conversation, events applied strictly in seq order (older ones ignored as redeliveries, a gap held back
 * and filled with `sync`), an outbox of unacked sends re-sent with the SAME clientId after a reconnect, and
 * failover across the cluster's instances. Everything it saw is recorded for the assertions.
 */
export class ResilientClient {
  readonly cursors = new Map<string, number>()
  readonly events = new Map<string, Map<number, AppliedEvent>>()
  readonly acks = new Map<string, Ack>()
  readonly outbox = new Map<string, Outgoing>()
  readonly removed: string[] = []
  /** Frames that contradict what was already applied at that seq, or a sync that answered `reset`. */
  readonly anomalies: string[] = []
  /** Seq'd frames that came, outside any sync, at or below a seq this same socket already carried (contract §5: in order, once). */
  readonly orderViolations: string[] = []
  readonly urlsUsed: string[] = []
  redeliveries = 0
  connections = 0
  private held = new Map<string, Map<number, Frame>>()
  private highestOnSocket = new Map<string, number>()
  private syncing = new Map<string, number>()
  private resyncWanted = new Set<string>()
  private pending = new Map<string, Pending>()
  private ws?: WebSocket
  private ready = false
  private closedByUs = false
  private sent = 0

  constructor(readonly label: string, private readonly urls: string[], private readonly token: string) {}

  get connected() {
    return this.ready && this.ws?.readyState === WebSocket.OPEN
  }

  /** Starts following a conversation from a seq the client already has (0: from the start). */
  track(conversationId: string, cursor = 0) {
    this.cursors.set(conversationId, cursor)
    this.events.set(conversationId, new Map())
    this.held.set(conversationId, new Map())
    return this
  }

  cursor(conversationId: string) {
    return this.cursors.get(conversationId) ?? 0
  }

  /** message:new events applied for a conversation, in seq order. */
  messages(conversationId: string) {
    return [...this.events.get(conversationId)!.values()].filter(e => e.type === 'message:new')
      .sort((x, y) => x.seq - y.seq).map(e => ({ seq: e.seq, id: e.messageId }))
  }

  /** Opens a socket on the first instance that answers, trying the others in turn. */
  async connect(timeoutMs = 60_000) {
    this.closedByUs = false
    const deadline = Date.now() + timeoutMs
    let delay = 50
    for (let attempt = 0; ; attempt++) {
      if (this.closedByUs) return
      try {
        await this.open(this.urls[attempt % this.urls.length]!)
        return
      } catch (error) {
        if (Date.now() > deadline) throw new Error(`${this.label} could not reconnect: ${(error as Error).message}`)
        await sleep(delay)
        delay = Math.min(delay * 2, 1000)
      }
    }
  }

  close() {
    this.closedByUs = true
    this.ws?.terminate()
  }

  /** Queues a message (outbox) and resolves once it is acked, however many reconnects that takes. */
  send(conversationId: string, content: string, clientId = `${this.label}-${++this.sent}`): Promise<Ack> {
    return new Promise<Ack>((resolve, reject) => {
      this.outbox.set(clientId, { conversationId, content, attempts: 0, resolve, reject })
      this.transmit(clientId)
    })
  }

  /** One op with a reply; rejects when the socket goes away first. */
  request(type: string, data: unknown = {}, timeoutMs = 20_000): Promise<Frame> {
    const ws = this.ws
    if (!ws || ws.readyState !== WebSocket.OPEN) return Promise.reject(new Error(`${this.label}: not connected`))
    const id = randomUUID()
    return new Promise<Frame>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id)
        reject(new Error(`${this.label}: no reply to ${type}`))
      }, timeoutMs)
      this.pending.set(id, {
        onReply: (frame) => {
          clearTimeout(timer)
          resolve(frame)
        },
        onLost: () => {
          clearTimeout(timer)
          reject(new Error(`${this.label}: socket closed before the reply to ${type}`))
        }
      })
      ws.send(JSON.stringify({ type, id, data }))
    })
  }

  /** `sync` from the current cursors; replayed events are applied as they arrive, before the reply. */
  async sync(conversationIds = [...this.cursors.keys()]) {
    if (!conversationIds.length) return
    for (const id of conversationIds) this.syncing.set(id, (this.syncing.get(id) ?? 0) + 1)
    try {
      const reply = await this.request('sync', { cursors: Object.fromEntries(conversationIds.map(id => [id, this.cursor(id)])) })
      if (!reply.ok) throw new Error(`${this.label}: sync failed ${JSON.stringify(reply.error)}`)
      for (const id of conversationIds) {
        const state = reply.data.conversations[id]
        if (!state) this.anomalies.push(`sync of ${id} answered without it: ${JSON.stringify(reply.data)}`)
        else if (state.reset) this.anomalies.push(`sync of ${id} answered reset`)
      }
      return reply
    } finally {
      for (const id of conversationIds) {
        const left = this.syncing.get(id)! - 1
        if (left) this.syncing.set(id, left)
        else this.syncing.delete(id)
        this.settleHeld(id)
      }
    }
  }

  /** Pings (heads of every subscription) and syncs until nothing is missing: how a lost *last* event is noticed. */
  async settle(timeoutMs = 30_000) {
    const deadline = Date.now() + timeoutMs
    for (;;) {
      if (Date.now() > deadline) throw new Error(`${this.label} did not settle: cursors ${JSON.stringify([...this.cursors])}`)
      if (!this.connected) {
        await sleep(50)
        continue
      }
      try {
        const ping = await this.request('ping')
        const behind = [...this.cursors.keys()].filter(id => (ping.data.heads[id] ?? 0) > this.cursor(id) || this.held.get(id)!.size)
        const unsubscribed = [...this.cursors.keys()].filter(id => !(id in ping.data.heads) && !this.removed.includes(id))
        if (!behind.length && !unsubscribed.length) return
        await this.sync([...behind, ...unsubscribed])
      } catch {
        await sleep(50)
      }
    }
  }

  private open(url: string) {
    return new Promise<void>((resolve, reject) => {
      const ws = new WebSocket(wsUrl(url, this.token))
      let isReady = false
      ws.on('error', () => {})
      ws.on('unexpected-response', (_req, res) => {
        ws.terminate()
        reject(new Error(`upgrade refused: ${res.statusCode}`))
      })
      ws.on('open', () => {
        this.ws = ws
        this.highestOnSocket.clear()
      })
      ws.on('message', (data) => {
        if (this.ws !== ws) return
        const frame = JSON.parse(String(data)) as Frame
        if (frame.type === 'ready' && !isReady) {
          isReady = true
          this.ready = true
          this.connections++
          this.urlsUsed.push(url)
          resolve()
          this.afterReady()
          return
        }
        this.onFrame(frame)
      })
      ws.on('close', () => {
        if (!isReady) reject(new Error(`${url}: closed before ready`))
        if (this.ws === ws) this.onClose()
      })
    })
  }

  private afterReady() {
    for (const clientId of this.outbox.keys()) this.transmit(clientId)
    this.sync().catch(() => { /* the socket went away: the next connection syncs again */ })
  }

  private onClose() {
    this.ws = undefined
    this.ready = false
    const lost = [...this.pending.values()]
    this.pending.clear()
    for (const p of lost) p.onLost()
    if (!this.closedByUs) this.connect().catch(error => this.anomalies.push(String(error)))
  }

  private transmit(clientId: string) {
    const item = this.outbox.get(clientId)
    const ws = this.ws
    if (!item || !this.connected || !ws) return
    item.attempts++
    const id = randomUUID()
    this.pending.set(id, {
      onReply: (reply) => {
        if (this.outbox.get(clientId) !== item) return
        if (reply.ok) {
          this.outbox.delete(clientId)
          const ack = { messageId: reply.data.message.id, seq: reply.data.message.seq, duplicate: Boolean(reply.data.duplicate), attempts: item.attempts }
          this.acks.set(clientId, ack)
          item.resolve(ack)
        } else if (PERMANENT.has(reply.error?.code)) {
          this.outbox.delete(clientId)
          item.reject(new Error(`${this.label}: send ${clientId} refused: ${JSON.stringify(reply.error)}`))
        } else {
          setTimeout(() => this.transmit(clientId), 100)
        }
      },
      // Kept in the outbox: re-sent with the same clientId once a socket is ready again.
      onLost: () => {}
    })
    ws.send(JSON.stringify({ type: 'message:send', id, data: { conversationId: item.conversationId, clientId, content: item.content } }))
  }

  private onFrame(frame: Frame) {
    if (frame.type === 'reply') {
      const p = this.pending.get(frame.id!)
      this.pending.delete(frame.id!)
      p?.onReply(frame)
      return
    }
    if (frame.type === 'conversation:removed') {
      this.removed.push(frame.data.conversationId)
      return
    }
    const conversationId = frame.conversationId
    if (!frame.seq || !conversationId || !this.cursors.has(conversationId)) return
    const top = this.highestOnSocket.get(conversationId) ?? 0
    if (frame.seq <= top && !this.syncing.has(conversationId)) {
      this.orderViolations.push(`socket ${this.connections}: ${frame.type} seq ${frame.seq} after seq ${top}`)
    }
    this.highestOnSocket.set(conversationId, Math.max(top, frame.seq))
    const cursor = this.cursor(conversationId)
    if (frame.seq <= cursor) {
      this.redeliveries++
      const seen = this.events.get(conversationId)!.get(frame.seq)
      if (seen && (seen.type !== frame.type || seen.messageId !== messageIdOf(frame))) {
        this.anomalies.push(`seq ${frame.seq} redelivered as ${frame.type} ${messageIdOf(frame)}, applied as ${seen.type} ${seen.messageId}`)
      }
      return
    }
    if (frame.seq === cursor + 1) {
      this.apply(conversationId, frame)
      this.drainHeld(conversationId)
      return
    }
    const held = this.held.get(conversationId)!
    const other = held.get(frame.seq)
    if (other && messageIdOf(other) !== messageIdOf(frame)) this.anomalies.push(`seq ${frame.seq} held twice with different content`)
    held.set(frame.seq, frame)
    this.requestSync(conversationId)
  }

  private apply(conversationId: string, frame: Frame) {
    this.events.get(conversationId)!.set(frame.seq!, {
      seq: frame.seq!, type: frame.type, messageId: messageIdOf(frame),
      via: this.syncing.has(conversationId) ? 'sync' : 'live', connection: this.connections
    })
    this.cursors.set(conversationId, frame.seq!)
  }

  private drainHeld(conversationId: string) {
    const held = this.held.get(conversationId)!
    for (let next = held.get(this.cursor(conversationId) + 1); next; next = held.get(this.cursor(conversationId) + 1)) {
      held.delete(next.seq!)
      this.apply(conversationId, next)
    }
    for (const seq of held.keys()) if (seq <= this.cursor(conversationId)) held.delete(seq)
  }

  /** A gap: fill it with sync (once at a time per conversation; again afterwards if still open). */
  private requestSync(conversationId: string) {
    if (!this.connected) return
    if (this.syncing.has(conversationId)) {
      this.resyncWanted.add(conversationId)
      return
    }
    this.sync([conversationId]).catch(() => {})
  }

  private settleHeld(conversationId: string) {
    this.drainHeld(conversationId)
    const again = this.resyncWanted.delete(conversationId)
    if ((again || this.held.get(conversationId)!.size) && !this.syncing.has(conversationId)) this.requestSync(conversationId)
  }
}
