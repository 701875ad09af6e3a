import type { Database } from '../adapters/database/database'
import { useConfig } from '../platform/config'
import { useLogger } from '../platform/logger'
import { ensureAccount } from './accounts'
import { seedDemoData } from './demo'

/** Defaults for the embedded default only (printed in the README and at start-up); never used with DATABASE_URL. */
export const EMBEDDED_DEFAULTS = {
  adminEmail: 'admin@switchboard.local',
  adminPassword: 'switchboard-admin',
  analystEmail: 'analyst@switchboard.local',
  analystPassword: 'switchboard-analyst'
}

/**
 * Seeds on start: the admin and analyst accounts, and on the embedded default the demo projects.
 * Against a real DATABASE_URL nothing is seeded unless SEED_ADMIN_* / SEED_ANALYST_* are set.
 */
export async function seedOnStart(db: Database, mode: 'postgres' | 'pglite') {
  const { seed } = useConfig()
  const embedded = mode === 'pglite'
  const admin = {
    email: seed.adminEmail ?? (embedded ? EMBEDDED_DEFAULTS.adminEmail : undefined),
    password: seed.adminPassword ?? (embedded ? EMBEDDED_DEFAULTS.adminPassword : undefined)
  }
  const analyst = {
    email: seed.analystEmail ?? (embedded ? EMBEDDED_DEFAULTS.analystEmail : undefined),
    password: seed.analystPassword ?? (embedded ? EMBEDDED_DEFAULTS.analystPassword : undefined)
  }
  if (admin.email && admin.password) {
    await ensureAccount(db, { email: admin.email, password: admin.password, displayName: 'Ada Admin', handle: 'admin', role: 'admin' })
    useLogger().info(`admin sign-in: ${admin.email}${embedded && !seed.adminPassword ? ` / ${admin.password}` : ''}`)
  }
  if (analyst.email && analyst.password) {
    await ensureAccount(db, { email: analyst.email, password: analyst.password, displayName: 'Andy Analyst', handle: 'analyst', role: 'analyst' })
    useLogger().info(`analyst sign-in: ${analyst.email}${embedded && !seed.analystPassword ? ` / ${analyst.password}` : ''}`)
  }
  const demo = seed.demo ?? (embedded ? 'true' : 'false')
  if (demo === 'true') await seedDemoData(db)
}
