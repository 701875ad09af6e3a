// `npm run db:migrate`: applies drizzle/ to DATABASE_URL, or to the embedded PGlite when it is unset.
// Never run it against a PGlite dir that a running app has open (PGlite is one process per dir).
import { openDatabase } from '../server/db/client'
import { readConfig } from '../server/utils/config'

const config = readConfig()
const handle = await openDatabase({ url: config.databaseUrl, pgliteDir: config.pgliteDir, poolSize: 1 })
await handle.migrate()
await handle.close()
console.log(`migrated (${handle.mode})`)
