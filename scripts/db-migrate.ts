// `npm run db:migrate`: applies drizzle/ to DATABASE_URL, or to the embedded PGlite when it is unset.
// Never run it against a PGlite dir that a running app has open (PGlite is one process per dir).
import { findMigrationsFolder } from '../server/adapters/database/migrations'
import { openDatabase } from '../server/adapters/database/use-database'
import { readConfig } from '../server/platform/config'

const config = readConfig()
const handle = await openDatabase({ url: config.databaseUrl, pgliteDir: config.pgliteDir, poolSize: 1 })
await handle.migrate(findMigrationsFolder(config.migrationsDir))
await handle.close()
console.log(`migrated (${handle.mode})`)
