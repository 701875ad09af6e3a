import type { BenchConfig } from './config'
import { DeliveryTracker } from './deliveries'
import type { DeliveryReport } from './deliveries'
import { clientIdFor, createConversation, filler, lastSeqOf } from './fixtures'
import type { BenchUser } from './fixtures'
import { measure, perOp } from './cost'
import type { PerOp, ServerCost } from './cost'
import { closeSockets, openSockets } from './sockets'
import { sleep, waitFor } from './stats'
import type { Target } from './target'

export interface FanoutResult extends DeliveryReport {
  members: number
  ratePerSecond: number
  seconds: number
  openFailures: Record<string, number>
  /** The conversation's lastSeq afterwards: equals `acked` when nothing was acked without a commit. */
  committed: number
  server: ServerCost
  /** Server cost per acked send (the fan-out to every member socket included). */
  perSend: PerOp
  /** Deliveries per second of app CPU (summed over instances): the harness's fan-out efficiency figure. */
  deliveriesPerCoreSecond: number | null
}

/**
 * Scenario (b): one conversation of `size` members, one socket each; the members take turns sending at a fixed
 * total rate (open loop, so a slow server shows as latency, not as a lower offered load).
 */
export async function runFanout(target: Target, config: BenchConfig, users: BenchUser[], projectId: string, size: number): Promise<FanoutResult> {
  const members = users.slice(0, size)
  const conversationId = await createConversation(target.admin, projectId, `fan-out ${size}`, members)
  const opened = await openSockets(target.baseURLs, members, config.connectConcurrency)
  const sockets = opened.sockets
  const tracker = new DeliveryTracker()
  tracker.attach(sockets)
  await sleep(500)

  const end = await measure(target.probe)
  const total = config.fanoutRate * config.fanoutSeconds
  const start = performance.now()
  const acks: Array<Promise<boolean>> = []
  for (let i = 0; i < total; i++) {
    const wait = start + i * 1000 / config.fanoutRate - performance.now()
    if (wait > 1) await sleep(wait)
    const sender = sockets[i % sockets.length]!
    acks.push(tracker.send(sender, conversationId, clientIdFor(`fan${size}`, i), filler(config.messageBytes, `#${i}`)))
  }
  await Promise.all(acks)
  const drained = await waitFor(() => tracker.deliveries >= tracker.acked * sockets.length, config.drainTimeoutMs)
  const server = await end()
  const committed = await lastSeqOf(target.admin, conversationId)
  await closeSockets(sockets)
  return {
    members: size,
    ratePerSecond: config.fanoutRate,
    seconds: config.fanoutSeconds,
    openFailures: opened.failures,
    ...tracker.report(() => sockets.length, drained),
    committed,
    server,
    perSend: perOp(server, tracker.acked),
    deliveriesPerCoreSecond: server.appCpuSeconds ? Math.round(tracker.deliveries / server.appCpuSeconds) : null
  }
}
