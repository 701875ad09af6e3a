import type { BenchUser } from './fixtures'
import { mapLimit, summarize, tally } from './stats'
import type { LatencySummary } from './stats'
import { BenchSocket } from './ws-client'

export interface OpenResult {
  sockets: BenchSocket[]
  failures: Record<string, number>
  /** Upgrade request → `ready` frame, per socket. */
  readyMs: LatencySummary | null
  wallMs: number
}

/**
 * Opens one socket per entry of `owners` (a user may appear up to their socket cap), spread round-robin over
 * the instances, `concurrency` handshakes in flight. Failures are counted, not thrown: a refused socket is a result.
 */
export async function openSockets(baseURLs: string[], owners: BenchUser[], concurrency: number): Promise<OpenResult> {
  const failures: Record<string, number> = {}
  const readyMs: number[] = []
  const started = performance.now()
  const opened = await mapLimit(owners, concurrency, async (user, i) => {
    const t0 = performance.now()
    try {
      const socket = await BenchSocket.connect(baseURLs[i % baseURLs.length]!, user.token, user.id)
      readyMs.push(performance.now() - t0)
      return socket
    } catch (error) {
      tally(failures, (error as Error).message)
      return undefined
    }
  })
  return {
    sockets: opened.filter((s): s is BenchSocket => s !== undefined),
    failures,
    readyMs: summarize(readyMs),
    wallMs: Math.round(performance.now() - started)
  }
}

export async function closeSockets(sockets: BenchSocket[]) {
  await mapLimit(sockets, 200, s => s.close())
}

/** Sum of frames received by type over a set of sockets. */
export function frameTotals(sockets: BenchSocket[]): Record<string, number> {
  const totals: Record<string, number> = {}
  for (const s of sockets) for (const [type, n] of Object.entries(s.frames)) totals[type] = (totals[type] ?? 0) + n
  return totals
}

/** `owners` for `count` sockets over `users`, round-robin, never more than `perUser` each. */
export function socketOwners(users: BenchUser[], count: number, perUser: number): BenchUser[] {
  if (users.length * perUser < count) throw new Error(`${count} sockets need at least ${Math.ceil(count / perUser)} users`)
  return Array.from({ length: count }, (_, i) => users[i % users.length]!)
}
