import type { BenchConfig } from './config'
import { DeliveryTracker } from './deliveries'
import type { DeliveryReport } from './deliveries'
import { clientIdFor, createConversation, filler, lastSeqOf } from './fixtures'
import type { BenchUser } from './fixtures'
import { measure, perOp } from './cost'
import type { PerOp, ServerCost } from './cost'
import { closeSockets, openSockets } from './sockets'
import { mapLimit, sleep, waitFor } from './stats'
import type { Target } from './target'

export interface SendersResult extends DeliveryReport {
  senders: number
  messagesPerSender: number
  conversations: number
  openFailures: Record<string, number>
  /** Sum of the conversations' lastSeq: commits. `committed >= acked`; equal unless a send timed out after COMMIT. */
  committed: number
  server: ServerCost
  /** Server cost per acked send (the fan-out to every member socket included). */
  perSend: PerOp
}

/**
 * Scenario (c): S senders spread over C conversations, each sending its messages back to back (closed loop: the
 * next send after the previous ack), so acked sends/s is the durable write rate under seq contention.
 */
export async function runSenders(target: Target, config: BenchConfig, users: BenchUser[], projectId: string): Promise<SendersResult> {
  const senders = users.slice(0, config.senders)
  const groups = Array.from({ length: config.senderConversations }, (_, c) => senders.filter((_, k) => k % config.senderConversations === c))
    .filter(g => g.length > 0)
  const conversationIds = await mapLimit(groups, 4, (g, c) => createConversation(target.admin, projectId, `senders ${c}`, g))
  const conversationOf = (k: number) => conversationIds[k % conversationIds.length]!
  const opened = await openSockets(target.baseURLs, senders, config.connectConcurrency)
  const indexOf = (userId: string) => senders.findIndex(u => u.id === userId)
  // Receivers per conversation are the sockets that opened (a refused one neither sends nor receives).
  const membersOf = new Map<string, number>()
  for (const s of opened.sockets) {
    const id = conversationOf(indexOf(s.userId))
    membersOf.set(id, (membersOf.get(id) ?? 0) + 1)
  }
  const tracker = new DeliveryTracker()
  tracker.attach(opened.sockets)
  await sleep(500)

  const end = await measure(target.probe)
  await Promise.all(opened.sockets.map(async (socket) => {
    const k = indexOf(socket.userId)
    for (let i = 0; i < config.senderMessages; i++) {
      await tracker.send(socket, conversationOf(k), clientIdFor(`snd${k}`, i), filler(config.messageBytes, `${k}/${i}`))
    }
  }))
  const expected = () => [...tracker.ackedBy].reduce((n, [id, acked]) => n + acked * membersOf.get(id)!, 0)
  const drained = await waitFor(() => tracker.deliveries >= expected(), config.drainTimeoutMs)
  const server = await end()
  const heads = await mapLimit(conversationIds, 4, id => lastSeqOf(target.admin, id))
  await closeSockets(opened.sockets)
  return {
    senders: senders.length,
    messagesPerSender: config.senderMessages,
    conversations: conversationIds.length,
    openFailures: opened.failures,
    ...tracker.report(id => membersOf.get(id) ?? 0, drained),
    committed: heads.reduce((a, b) => a + b, 0),
    server,
    perSend: perOp(server, tracker.acked)
  }
}
