// `npm run db:seed`: migrates, then seeds DATABASE_URL (needs SEED_ADMIN_* / SEED_ANALYST_*; no default passwords
// are used against a real database) or the embedded PGlite. SEED_DEMO=true adds the demo projects.
import { useDatabaseHandle, closeDatabase } from '../server/adapters/database/use-database'
import { seedOnStart } from '../server/seed'

const handle = await useDatabaseHandle()
if (handle.mode === 'postgres' && !(process.env.SEED_ADMIN_EMAIL && process.env.SEED_ADMIN_PASSWORD)) {
  console.error('Set SEED_ADMIN_EMAIL and SEED_ADMIN_PASSWORD (and optionally SEED_ANALYST_*) to seed a real database.')
  process.exit(2)
}
await seedOnStart(handle.db, handle.mode)
await closeDatabase()
console.log(`seeded (${handle.mode})`)
process.exit(0)
