/** Every knob of `npm run bench`, from BENCH_* environment variables (docs/operations.md lists them). */
export interface BenchConfig {
  /** Boot the built app per mode (postgres: fresh database + Redis prefix; pglite: temp dir). Ignored with url. */
  modes: Array<'postgres' | 'pglite'>
  /** App instances sharing Postgres and Redis (postgres mode only); sockets are spread round-robin. */
  instances: number
  /** An already running server instead of booting one: its base URL and admin account. */
  url?: string
  adminEmail?: string
  adminPassword?: string
  /** Pids of the running server (comma-separated) for CPU/RSS, and its database for backend CPU. */
  serverPids: number[]
  databaseUrl?: string
  scenarios: Set<'idle' | 'fanout' | 'senders'>
  sockets: number
  socketsPerUser: number
  idleProjectSize: number
  idleHoldSeconds: number
  connectConcurrency: number
  fanoutSizes: number[]
  fanoutRate: number
  fanoutSeconds: number
  senders: number
  senderMessages: number
  senderConversations: number
  messageBytes: number
  drainTimeoutMs: number
  outDir: string
}

/** An integer setting from the environment (at least `min`), or the fallback when unset; shared by every bench. */
export function int(name: string, fallback: number, min = 0): number {
  const raw = process.env[name]
  if (raw === undefined || raw === '') return fallback
  const value = Number(raw)
  if (!Number.isInteger(value) || value < min) throw new Error(`${name} must be an integer >= ${min}, got "${raw}"`)
  return value
}

function list(name: string, fallback: string): string[] {
  return (process.env[name] || fallback).split(',').map(s => s.trim()).filter(Boolean)
}

export function readBenchConfig(): BenchConfig {
  const modes = list('BENCH_MODES', 'postgres')
  for (const m of modes) if (m !== 'postgres' && m !== 'pglite') throw new Error(`BENCH_MODES: unknown mode "${m}"`)
  const scenarios = list('BENCH_SCENARIOS', 'idle,fanout,senders')
  for (const s of scenarios) if (!['idle', 'fanout', 'senders'].includes(s)) throw new Error(`BENCH_SCENARIOS: unknown scenario "${s}"`)
  const url = process.env.BENCH_URL || undefined
  if (url && !(process.env.BENCH_ADMIN_EMAIL && process.env.BENCH_ADMIN_PASSWORD)) {
    throw new Error('BENCH_URL needs BENCH_ADMIN_EMAIL and BENCH_ADMIN_PASSWORD (a global admin of that server)')
  }
  const fanoutSizes = list('BENCH_FANOUT_SIZES', '10,100').map(Number)
  if (fanoutSizes.some(n => !Number.isInteger(n) || n < 2)) throw new Error('BENCH_FANOUT_SIZES: conversation sizes must be integers >= 2')
  return {
    modes: modes as BenchConfig['modes'],
    instances: int('BENCH_INSTANCES', 1, 1),
    url: url?.replace(/\/+$/, ''),
    adminEmail: process.env.BENCH_ADMIN_EMAIL,
    adminPassword: process.env.BENCH_ADMIN_PASSWORD,
    serverPids: list('BENCH_SERVER_PIDS', '').map(Number).filter(n => Number.isInteger(n) && n > 0),
    databaseUrl: process.env.BENCH_DATABASE_URL || undefined,
    scenarios: new Set(scenarios as Array<'idle' | 'fanout' | 'senders'>),
    sockets: int('BENCH_SOCKETS', 1000, 1),
    socketsPerUser: int('BENCH_SOCKETS_PER_USER', 8, 1),
    idleProjectSize: int('BENCH_IDLE_PROJECT_SIZE', 25, 1),
    idleHoldSeconds: int('BENCH_IDLE_HOLD_SECONDS', 10, 1),
    connectConcurrency: int('BENCH_CONNECT_CONCURRENCY', 50, 1),
    fanoutSizes,
    fanoutRate: int('BENCH_FANOUT_RATE', 20, 1),
    fanoutSeconds: int('BENCH_FANOUT_SECONDS', 15, 1),
    senders: int('BENCH_SENDERS', 20, 1),
    senderMessages: int('BENCH_SENDER_MESSAGES', 100, 1),
    senderConversations: int('BENCH_SENDER_CONVERSATIONS', 4, 1),
    messageBytes: int('BENCH_MESSAGE_BYTES', 120, 16),
    drainTimeoutMs: int('BENCH_DRAIN_TIMEOUT_MS', 15_000, 100),
    outDir: process.env.BENCH_OUT_DIR || 'bench-results'
  }
}
