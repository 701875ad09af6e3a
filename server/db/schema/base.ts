import { pgSchema } from 'drizzle-orm/pg-core'

/**
 * All tables live in their own schema: Supabase's Data API only exposes `public` (and what is added to
 * `db_schemas`), so nothing here is reachable with the anon or authenticated keys. See docs/architecture.md.
 */
export const appSchema = pgSchema('switchboard')
