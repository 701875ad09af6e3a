import { desc, lt, sql } from 'drizzle-orm'
import type { Executor } from '../../adapters/database/database'
import { useDatabaseHandle } from '../../adapters/database/use-database'
import { analyticsRefreshes, analyticsSettings } from '../../db/analytics'
import { useConfig } from '../../platform/config'
import { conflict } from '../../platform/errors'

// Any constant, the same in every instance: whoever holds it is refreshing (docs/operations.md).
const REFRESH_LOCK_KEY = 7_411_902_554
// Dependency order does not matter (each view reads the base tables), but a fixed order keeps runs comparable.
const VIEWS = ['messages_daily', 'conversation_daily', 'user_daily', 'conversation_facts', 'client_threads']
// Bookkeeping rows older than this are dropped by the refresh itself.
const KEEP_REFRESHES_DAYS = 30

export type RefreshTrigger = 'schedule' | 'manual' | 'seed'
export interface RefreshResult { refreshedAt: Date, refreshDurationMs: number }

let running = false

/**
 * Refreshes every analytics view CONCURRENTLY (readers keep reading the old rows) and records when and how
 * long. Never two at once: a second call while one runs — here or on another instance — gets 409 `conflict`.
 */
export async function refreshAnalytics(trigger: RefreshTrigger): Promise<RefreshResult> {
  // Set before the first await, so two calls in this process cannot both pass.
  if (running) throw refreshRunning()
  running = true
  try {
    const handle = await useDatabaseHandle()
    if (handle.mode === 'pglite') return await refreshViews(handle.db, trigger)
    // Postgres: a transaction-scoped advisory lock, because the pool gives no session that a later unlock is
    // sure to reach; it is released by COMMIT or ROLLBACK however the refresh ends.
    return await handle.db.transaction(async (tx) => {
      const [lock] = rowsOf<{ locked: boolean }>(await tx.execute(sql`select pg_try_advisory_xact_lock(${REFRESH_LOCK_KEY}) as locked`))
      if (!lock?.locked) throw refreshRunning()
      return refreshViews(tx, trigger)
    })
  } finally {
    running = false
  }
}

// PGlite is one process and one connection, so the flag above is its lock; no transaction either, because
// PGlite queues every other query behind an open one and the app would stall for the whole refresh.
async function refreshViews(db: Executor, trigger: RefreshTrigger): Promise<RefreshResult> {
  const startedAt = new Date()
  const started = performance.now()
  await db.update(analyticsSettings).set({ firstResponseGapHours: useConfig().analytics.firstResponseGapHours })
  for (const view of VIEWS) {
    await db.execute(sql.raw(`refresh materialized view concurrently analytics.${view}`))
    // PGlite runs queries on this thread and chains promise-resolved queries without letting I/O in: yield, so
    // requests that arrived meanwhile are read and served between views instead of after the whole refresh.
    await new Promise(resolve => setImmediate(resolve))
  }
  const refreshDurationMs = Math.round(performance.now() - started)
  const refreshedAt = new Date()
  await db.insert(analyticsRefreshes).values({ trigger, startedAt, finishedAt: refreshedAt, durationMs: refreshDurationMs })
  await db.delete(analyticsRefreshes).where(lt(analyticsRefreshes.finishedAt, new Date(Date.now() - KEEP_REFRESHES_DAYS * 86_400_000)))
  return { refreshedAt, refreshDurationMs }
}

/** The last completed refresh, or undefined before the first. */
export async function getLastRefresh(db: Executor): Promise<RefreshResult | undefined> {
  const [row] = await db.select({ refreshedAt: analyticsRefreshes.finishedAt, refreshDurationMs: analyticsRefreshes.durationMs })
    .from(analyticsRefreshes).orderBy(desc(analyticsRefreshes.finishedAt)).limit(1)
  return row
}

const refreshRunning = () => conflict('An analytics refresh is already running; try again when it has finished')

// postgres.js returns the rows themselves, PGlite an object holding them.
function rowsOf<T>(result: unknown): T[] {
  return (Array.isArray(result) ? result : (result as { rows: T[] }).rows) as T[]
}
