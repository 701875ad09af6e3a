import { asc, sql as drizzleSql } from 'drizzle-orm'
import { QueryBuilder } from 'drizzle-orm/pg-core'
import type { Sql } from 'postgres'
import { files } from '../../server/db/schema'
import { HISTORY_PAGE_SQL, readPage } from '../../server/domain/messages/history-page'
import type { Statement } from './pgbench'
import { sleep } from './stats'

/**
 * Message s is seq s, from the two participants in turn, 5 s apart so the newest is now. Ids are UUIDv7 of the send
 * time, as the app makes them, so the primary key grows at its end as in production; client ids are sequential
 * (browsers send random UUIDs), which spares the seed random inserts into (sender_id, client_id) and no read uses it.
 */
export async function insertHistory(sql: Sql, conversationId: string, senders: string[], total: number, lo: number, hi: number) {
  await sql.unsafe(`
    insert into switchboard.messages (id, conversation_id, seq, sender_id, client_id, type, content, created_at)
    select (lpad(to_hex((extract(epoch from g.at) * 1000)::bigint), 12, '0') || '7' || substr(g.h, 1, 3) || '8' || substr(g.h, 4, 15))::uuid,
      $1::uuid, g.s, (case when g.s % 2 = 0 then $2 else $3 end)::uuid, 'hist-' || lpad(g.s::text, 10, '0'), 'text'::switchboard.message_type,
      'history message ' || g.s || ' lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor', g.at
    from (select s, md5(s::text) as h, now() - make_interval(secs => ($4::int - s) * 5) as at from generate_series($5::int, $6::int) s) g`,
  [conversationId, senders[0]!, senders[1]!, total, lo, hi])
}

/**
 * The statements listHistory (server/domain/messages/views.ts) sends for a page, the same texts (the app prepares
 * them): the reader check and the keyset page as one json value (take = limit + 1) carrying each message's reactions and whether it has
 * files, then — only when some message of the page has files — their files, by the ids as one uuid[] parameter (its
 * text literal, which postgres.js and pgbench pass as is).
 */
export async function historyStatements(sql: Sql, conversationId: string, readerId: string, before: number | undefined, limit: number) {
  const caller = [conversationId, readerId, false]
  const select = before !== undefined
    ? { text: HISTORY_PAGE_SQL.before, params: [...caller, before, limit + 1] }
    : { text: HISTORY_PAGE_SQL.newest, params: [...caller, limit + 1] }
  const [row] = await sql.unsafe<Record<string, unknown>[]>(select.text, select.params as never[])
  const withFiles = readPage(row).entries.slice(1).filter(e => e[12]).map(e => e[0])
  const qb = new QueryBuilder({ casing: 'snake_case' })
  const fileRows = qb.select().from(files).where(drizzleSql`${files.messageId} = any(${drizzleSql.placeholder('ids')}::uuid[])`).orderBy(asc(files.createdAt)).toSQL()
  const keyset = before !== undefined
    ? { text: 'SELECT * FROM switchboard.messages WHERE conversation_id = $1 AND seq < $2 ORDER BY seq DESC LIMIT $3', params: [conversationId, before, limit + 1] }
    : { text: 'SELECT * FROM switchboard.messages WHERE conversation_id = $1 ORDER BY seq DESC LIMIT $2', params: [conversationId, limit + 1] }
  return { select, keyset, hydrate: withFiles.length ? [{ text: fileRows.sql, params: [`{${withFiles.join(',')}}`] }] : [] }
}

/** Samples the app's backends in pg_stat_activity, to show that they ran exactly the statements pgbench runs. */
export function watchStatements(sql: Sql) {
  const seen = new Set<string>()
  let running = true
  const loop = (async () => {
    while (running) {
      const rows = await sql<{ query: string }[]>`
        select query from pg_stat_activity
        where datname = current_database() and pid <> pg_backend_pid() and (query like 'select %from "switchboard".%' or query like '%WITH reader AS%')`
      for (const r of rows) seen.add(r.query)
      await sleep(10)
    }
  })()
  return async () => {
    running = false
    await loop
    return seen
  }
}

/** EXPLAIN (ANALYZE, BUFFERS) of a statement with its values, as a custom and as a generic plan. */
export async function explainPlans(sql: Sql, { text, params }: Statement) {
  const plan = async (statement: string, values: unknown[] = []) =>
    (await sql.unsafe(statement, values as never[])).map(r => (r as Record<string, string>)['QUERY PLAN']).join('\n')
  // The custom plan for these values (what the app's unnamed statements always get), then the generic plan, which
  // pgbench -M prepared switches to after five executions if it is no dearer; PG 15 has no EXPLAIN (GENERIC_PLAN).
  const custom = await plan(`explain (analyze, buffers) ${text}`, params)
  const literals = params.map(v => (typeof v === 'number' ? String(v) : `'${String(v).replace(/'/g, '\'\'')}'`)).join(', ')
  await sql.unsafe(`prepare history_plan as ${text}`)
  await sql`set plan_cache_mode = force_generic_plan`
  const generic = await plan(`explain (analyze, buffers) execute history_plan(${literals})`)
  await sql`reset plan_cache_mode`
  await sql.unsafe('deallocate history_plan')
  return { custom, generic }
}
