import type { PGliteInterface } from '@electric-sql/pglite'
import type { Sql } from 'postgres'
import type { DatabaseHandle } from './database'

type ExecuteSql = DatabaseHandle['executeSql']

type Rows = Record<string, unknown>[]

// pg-boss sends its install, migrations and maintenance as one text 'BEGIN; …; COMMIT;' (plans.locked). The body
// runs in the driver's own transaction instead: postgres.js refuses BEGIN on a pooled connection, and an error
// inside a simple-protocol BEGIN would leave the session in an aborted transaction (fatal on PGlite's one
// connection), where a driver transaction rolls back.
const LOCKED_TEXT = /^\s*BEGIN;([\s\S]*)COMMIT;\s*$/

function getLockedBody(text: string, values: unknown[] | undefined): string | undefined {
  return values?.length ? undefined : LOCKED_TEXT.exec(text)?.[1]
}

// pg-boss leaves unset options undefined; node-postgres sends those as NULL, postgres.js throws on them.
function toParams(values: unknown[] | undefined): unknown[] {
  return (values ?? []).map(value => value === undefined ? null : value)
}

/** Raw SQL on a postgres.js client (the app's pool), as libraries with their own queries (pg-boss) send it. */
export function createPostgresExecuteSql(sql: Sql): ExecuteSql {
  return async (text, values) => {
    const body = getLockedBody(text, values)
    if (body !== undefined) {
      await sql.begin(tx => tx.unsafe(body))
      return { rows: [] }
    }
    // Without values postgres.js uses the simple protocol, which returns one result per statement.
    const result = await sql.unsafe(text, toParams(values) as never[]) as unknown[]
    const last = Array.isArray(result[0]) ? result.at(-1) : result
    return { rows: (last ?? []) as Rows }
  }
}

/** Raw SQL on PGlite, whose query and exec already queue behind each other and behind transactions. */
export function createPGliteExecuteSql(pglite: Pick<PGliteInterface, 'query' | 'exec' | 'transaction'>): ExecuteSql {
  return async (text, values) => {
    if (values?.length) return pglite.query<Rows[number]>(text, toParams(values))
    const body = getLockedBody(text, values)
    const results = body === undefined
      ? await pglite.exec(text)
      : await pglite.transaction(tx => tx.exec(body))
    return { rows: results.at(-1)?.rows ?? [] }
  }
}
