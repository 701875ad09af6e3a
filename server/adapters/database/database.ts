import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core'
import type * as schema from '../../db/schema'

export type Database = PgDatabase<PgQueryResultHKT, typeof schema>
export type Transaction = Parameters<Parameters<Database['transaction']>[0]>[0]
/** Either the database or an open transaction: domain functions that can run inside a caller's write take this. */
export type Executor = Database | Transaction

/** The database adapter: Postgres (DATABASE_URL) or PGlite under DATA_DIR, the same Drizzle API above both. */
export interface DatabaseHandle {
  db: Database
  mode: 'postgres' | 'pglite'
  /** Applies drizzle/ (one instance at a time on Postgres, under an advisory lock). */
  migrate(folder?: string): Promise<void>
  /** Raw SQL for libraries that bring their own queries (the job runner); texts without values may hold several statements. */
  executeSql(text: string, values?: unknown[]): Promise<{ rows: Record<string, unknown>[] }>
  /**
   * One constant statement on a hot path (the send batch), on the app's own pool and prepared where prepared
   * statements are on: parsed and planned once per connection. json columns may come back as text (Drizzle
   * replaced the pool's json parser), so callers accept both.
   */
  hotQuery(text: string, values: unknown[]): Promise<{ rows: Record<string, unknown>[] }>
  close(): Promise<void>
}
