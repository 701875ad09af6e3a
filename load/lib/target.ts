import { ADMIN, startApp, startTestStack } from '../../tests/helpers/app-process'
import type { AppProcess } from '../../tests/helpers/app-process'
import { signIn } from '../../tests/helpers/api'
import type { Actor } from '../../tests/helpers/api'
import type { BenchConfig } from './config'
import { ServerProbe } from './probes'

/** The server under test: one or more instances, the admin who sets up fixtures, and what measures its cost. */
export interface Target {
  label: string
  /** Where its state lives, for the log (database, Redis prefix, data dir). */
  where: string
  mode: 'postgres' | 'pglite' | 'external'
  baseURLs: string[]
  /** The booted app's database, for benches that seed it directly (undefined for an external server). */
  databaseUrl?: string
  admin: Actor
  probe: ServerProbe
  /** The server's own socket cap: the bench never opens more per user. */
  socketsPerUser: number
  teardown: () => Promise<void>
}

// The same values the booted app gets; RATE_LIMITS=off because the bench sends in bursts (contract §6).
const BENCH_ENV = { RATE_LIMITS: 'off', TOKEN_TTL_SECONDS: '3600' }

/** Boots the built app (SB_BUILD_DIR honoured) with a fresh database, plus extra instances sharing it; `env` adds settings. */
export async function bootTarget(mode: 'postgres' | 'pglite', config: BenchConfig, env: Record<string, string> = {}): Promise<Target> {
  const stack = await startTestStack(mode, { ...BENCH_ENV, ...env })
  const apps: AppProcess[] = [stack.app]
  let probe: ServerProbe | undefined
  try {
    const extra = mode === 'postgres' ? config.instances - 1 : 0
    for (let i = 0; i < extra; i++) apps.push(await startApp(stack.app.env, mode))
    probe = new ServerProbe(apps.map(a => a.child.pid!), stack.app.env.DATABASE_URL, stack.app.env.REDIS_URL)
    const admin = await signIn(stack.app.baseURL, ADMIN.email, ADMIN.password)
    return {
      label: apps.length > 1 ? `${mode} ×${apps.length}` : mode,
      where: [stack.app.env.DATABASE_URL?.replace(/^.*\//, 'db '), stack.app.env.REDIS_PREFIX && `redis prefix ${stack.app.env.REDIS_PREFIX}`, `data dir ${stack.app.env.DATA_DIR}`]
        .filter(Boolean).join(', '),
      mode,
      baseURLs: apps.map(a => a.baseURL),
      databaseUrl: stack.app.env.DATABASE_URL,
      admin,
      probe,
      socketsPerUser: Number(stack.app.env.SOCKETS_PER_USER || 8),
      async teardown() {
        await probe!.close()
        for (const app of apps.slice(1)) await app.stop()
        await stack.teardown()
      }
    }
  } catch (error) {
    await probe?.close()
    for (const app of apps.slice(1)) await app.stop()
    await stack.teardown()
    throw error
  }
}

/** A server somebody else runs (BENCH_URL): fixtures are created on it and left there. */
export async function externalTarget(config: BenchConfig): Promise<Target> {
  const admin = await signIn(config.url!, config.adminEmail!, config.adminPassword!)
  const probe = new ServerProbe(config.serverPids, config.databaseUrl, process.env.BENCH_REDIS_URL || undefined)
  return {
    label: `external ${config.url}`,
    where: config.url!,
    mode: 'external',
    baseURLs: [config.url!],
    admin,
    probe,
    socketsPerUser: config.socketsPerUser,
    teardown: () => probe.close()
  }
}
