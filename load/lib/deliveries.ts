import type { LatencySummary } from './stats'
import { perSecond, summarize, tally } from './stats'
import type { BenchSocket, ServerFrame } from './ws-client'

export interface DeliveryReport {
  sent: number
  acked: number
  errors: Record<string, number>
  ackedPerSecond: number
  /** `message:new` frames of our sends that reached a member socket (the sender's own socket included). */
  deliveries: number
  expectedDeliveries: number
  deliveriesPerSecond: number
  /** Send (just before the frame is written) → `reply` on the sender's socket: the durable ack, after COMMIT. */
  ackLatencyMs: LatencySummary | null
  /** Send → `message:new` on each receiving socket, one clock for both ends. */
  deliveryLatencyMs: LatencySummary | null
  /** Per socket and conversation: seqs skipped or seen twice (both must be 0, contract §5). */
  seqGaps: number
  seqDuplicates: number
  drained: boolean
}

/**
 * Stamps each send, matches every `message:new` and `reply` to it by clientId, and checks the seq order each
 * socket sees. Conversations are fresh, so each socket's first expected seq is 1.
 */
export class DeliveryTracker {
  private sentAt = new Map<string, number>()
  private ackMs: number[] = []
  private deliveryMs: number[] = []
  private seen = new WeakMap<BenchSocket, Map<string, number>>()
  private errors: Record<string, number> = {}
  private firstSend = Number.POSITIVE_INFINITY
  private lastAck = 0
  private lastDelivery = 0
  sent = 0
  acked = 0
  deliveries = 0
  gaps = 0
  duplicates = 0
  ackedBy = new Map<string, number>()

  attach(sockets: BenchSocket[]) {
    for (const s of sockets) s.onEvent = (frame, at, socket) => this.onFrame(frame, at, socket)
  }

  private onFrame(frame: ServerFrame, at: number, socket: BenchSocket) {
    if (frame.type !== 'message:new' || !frame.conversationId || !frame.seq) return
    let heads = this.seen.get(socket)
    if (!heads) this.seen.set(socket, heads = new Map())
    const last = heads.get(frame.conversationId) ?? 0
    if (frame.seq <= last) this.duplicates++
    else {
      this.gaps += frame.seq - last - 1
      heads.set(frame.conversationId, frame.seq)
    }
    const sentAt = this.sentAt.get(frame.data?.message?.clientId)
    if (sentAt === undefined) return
    this.deliveries++
    this.deliveryMs.push(at - sentAt)
    this.lastDelivery = Math.max(this.lastDelivery, at)
  }

  /** Sends one message and records its ack; never throws (an error is a counted result). */
  async send(socket: BenchSocket, conversationId: string, clientId: string, content: string): Promise<boolean> {
    const t0 = performance.now()
    this.sentAt.set(clientId, t0)
    this.firstSend = Math.min(this.firstSend, t0)
    this.sent++
    const reply = await socket.request('message:send', { conversationId, clientId, content })
    if (!reply.ok) {
      tally(this.errors, reply.error?.code ?? 'unknown')
      return false
    }
    this.acked++
    this.ackedBy.set(conversationId, (this.ackedBy.get(conversationId) ?? 0) + 1)
    this.ackMs.push(reply.at - t0)
    this.lastAck = Math.max(this.lastAck, reply.at)
    return true
  }

  report(membersOf: (conversationId: string) => number, drained: boolean): DeliveryReport {
    let expected = 0
    for (const [conversationId, n] of this.ackedBy) expected += n * membersOf(conversationId)
    return {
      sent: this.sent,
      acked: this.acked,
      errors: this.errors,
      ackedPerSecond: perSecond(this.acked, this.lastAck - this.firstSend),
      deliveries: this.deliveries,
      expectedDeliveries: expected,
      deliveriesPerSecond: perSecond(this.deliveries, this.lastDelivery - this.firstSend),
      ackLatencyMs: summarize(this.ackMs),
      deliveryLatencyMs: summarize(this.deliveryMs),
      seqGaps: this.gaps,
      seqDuplicates: this.duplicates,
      drained
    }
  }
}
