import type { BenchConfig } from './config'
import type { BenchUser } from './fixtures'
import { measure, perOp } from './cost'
import type { PerOp, ServerCost } from './cost'
import { closeSockets, frameTotals, openSockets, socketOwners } from './sockets'
import type { LatencySummary } from './stats'
import { sleep } from './stats'
import type { Target } from './target'
import type { BenchSocket } from './ws-client'

export interface IdleResult {
  sockets: number
  opened: number
  users: number
  usersPerProject: number
  failures: Record<string, number>
  connectWallMs: number
  connectsPerSecond: number
  readyMs: LatencySummary | null
  /** Frames the sockets received while everyone connected (mostly presence of project members coming online). */
  framesDuringConnect: Record<string, number>
  /** (RSS after connect and settle − RSS before) / sockets: what one idle authenticated socket costs the server. */
  rssPerSocketKiB: number | null
  connect: ServerCost
  /** Server cost of one socket open (auth, presence, subscriptions, and the presence fan-out it causes). */
  perConnect: PerOp
  /** The hold: nothing but heartbeats and presence refreshes. */
  hold: ServerCost & { framesReceived: number }
  /**
   * App CPU in cores, second by second through the hold: flat when heartbeats are spread over the interval
   * (a burst per interval, or a timer per socket, shows as spikes).
   */
  holdCoresPerSecond: { p50: number, max: number, samples: number[] } | null
  closeWallMs: number
  /** RSS a few seconds after every socket closed: how much came back. */
  rssAfterCloseMiB: number | null
}

/** Waits until no socket received a frame for `quietMs` (at most `maxMs`), so presence storms have settled. */
async function settle(sockets: BenchSocket[], quietMs: number, maxMs: number) {
  const count = () => sockets.reduce((n, s) => n + Object.values(s.frames).reduce((a, b) => a + b, 0), 0)
  const deadline = Date.now() + maxMs
  let last = count()
  for (;;) {
    await sleep(quietMs)
    const now = count()
    if (now === last || Date.now() > deadline) return
    last = now
  }
}

/** Scenario (a): N authenticated sockets that only stay connected. */
export async function runIdle(target: Target, config: BenchConfig, users: BenchUser[]): Promise<IdleResult> {
  const perUser = Math.min(config.socketsPerUser, target.socketsPerUser)
  const owners = socketOwners(users, config.sockets, perUser)
  const before = await target.probe.sample()
  const endConnect = await measure(target.probe)
  const opened = await openSockets(target.baseURLs, owners, config.connectConcurrency)
  await settle(opened.sockets, 1000, 20_000)
  const connect = await endConnect()
  const framesDuringConnect = frameTotals(opened.sockets)
  const afterConnect = await target.probe.sample()

  const framesBefore = Object.values(framesDuringConnect).reduce((a, b) => a + b, 0)
  const endHold = await measure(target.probe)
  const perSecond: number[] = []
  let previous = (await target.probe.sample()).cpuSeconds
  for (let second = 0; second < config.idleHoldSeconds; second++) {
    await sleep(1000)
    const current = (await target.probe.sample()).cpuSeconds
    if (previous !== null && current !== null) perSecond.push(Math.round((current - previous) * 1000) / 1000)
    previous = current
  }
  const hold = await endHold()
  const sorted = [...perSecond].sort((a, b) => a - b)
  const framesReceived = Object.values(frameTotals(opened.sockets)).reduce((a, b) => a + b, 0) - framesBefore

  const closeStart = performance.now()
  await closeSockets(opened.sockets)
  const closeWallMs = Math.round(performance.now() - closeStart)
  await sleep(3000)
  const afterClose = await target.probe.sample()

  const n = opened.sockets.length
  return {
    sockets: config.sockets,
    opened: n,
    users: new Set(owners.map(o => o.id)).size,
    usersPerProject: config.idleProjectSize,
    failures: opened.failures,
    connectWallMs: opened.wallMs,
    connectsPerSecond: Math.round(n / (opened.wallMs / 1000) * 10) / 10,
    readyMs: opened.readyMs,
    framesDuringConnect,
    rssPerSocketKiB: before.rssBytes !== null && afterConnect.rssBytes !== null && n > 0
      ? Math.round((afterConnect.rssBytes - before.rssBytes) / n / 1024 * 10) / 10
      : null,
    connect,
    perConnect: perOp(connect, n),
    hold: { ...hold, framesReceived },
    holdCoresPerSecond: sorted.length ? { p50: sorted[Math.floor(sorted.length / 2)]!, max: sorted.at(-1)!, samples: perSecond } : null,
    closeWallMs,
    rssAfterCloseMiB: afterClose.rssBytes === null ? null : Math.round(afterClose.rssBytes / 1048576 * 10) / 10
  }
}
