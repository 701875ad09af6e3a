/**
 * `npm run bench:statement`: the send path's one statement (BATCH_SQL, server/domain/messages/send-batch.ts) with
 * one message, in pgbench, beside the smallest durable per-message transaction (BEGIN, UPDATE the conversation's
 * seq, INSERT the message, COMMIT: the shape of the harness's peer and its pgbench/send.sql, on two bare tables of
 * this bench's own), at 1, 4 and 16 clients, with the Postgres CPU each costs. It answers how much of a send's
 * time is the database's (docs/performance.md, "The batch statement against the peer's transaction") and is the
 * yardstick for any change to the statement or the schema under it. Boots the built app on a fresh database (its
 * migrations make the schema), makes the conversations through the API, then drops the database.
 * Env: BENCH_STATEMENT_CLIENTS=1,4,16 BENCH_STATEMENT_SECONDS=5 BENCH_STATEMENT_CONVERSATIONS=50 BENCH_OUT_DIR.
 */
import { execFile } from 'node:child_process'
import { readdirSync, readFileSync } from 'node:fs'
import { mkdir, mkdtemp, rename, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import postgres from 'postgres'
import type { Sql } from 'postgres'
import { BATCH_SQL } from '../server/domain/messages/send-batch'
import { int, readBenchConfig } from './lib/config'
import { createConversation, createProject, createUsers } from './lib/fixtures'
import { pgbenchConnectionArgs } from './lib/pgbench'
import { cpuSecondsOf } from './lib/probes'
import { gitCommit, hostInfo, loadAverage } from './lib/report'
import { sleep } from './lib/stats'
import { bootTarget } from './lib/target'

const CLIENTS = (process.env.BENCH_STATEMENT_CLIENTS || '1,4,16').split(',').map(Number).filter(n => n > 0)
const SECONDS = int('BENCH_STATEMENT_SECONDS', 5, 3)
const CONVERSATIONS = int('BENCH_STATEMENT_CONVERSATIONS', 50, 1)
const OUT_DIR = process.env.BENCH_OUT_DIR || 'bench-results'
const log = (line: string) => console.log(`[statement-bench ${new Date().toISOString().slice(11, 19)}] ${line}`)
const run = promisify(execFile)
const round = (n: number, digits = 3) => Math.round(n * 10 ** digits) / 10 ** digits

/**
 * The app's statement as a pgbench script: its one parameter (the batch as json) is built in SQL from a random
 * (conversation, sender) pair with a fresh client id, so every transaction inserts one new message. pgbench
 * would take `:new` inside 'message:new' for a variable, so that literal is spelled without the colon.
 */
function batchScript() {
  if (!BATCH_SQL.includes('$1::jsonb') || /\$[2-9]/.test(BATCH_SQL)) throw new Error('BATCH_SQL no longer takes one jsonb parameter: update the bench')
  const input = `(SELECT jsonb_build_array(jsonb_build_object('id', gen_random_uuid(), 'conversation_id', p.conversation_id,
    'sender_id', p.sender_id, 'client_id', 'pgb-' || :client_id || '-' || :cid, 'content', 'hello from pgbench, a typical short chat message of about 60 bytes',
    'reply_to_id', null, 'mentions', '[]'::jsonb)) FROM public.bench_send_pairs p WHERE p.k = :k)`
  const statement = BATCH_SQL.replace('$1::jsonb', input).replace(/'message:new'/g, `'message' || chr(58) || 'new'`)
  return `\\set k random(1, ${CONVERSATIONS})\n\\set cid random(1, 9000000000000000000)\n${statement.trim()};\n`
}

/** The minimal durable transaction per message, on tables of this bench's own (no events, no checks, two indexes). */
function minimalScript() {
  return `\\set k random(1, ${CONVERSATIONS})
\\set cid random(1, 9000000000000000000)
BEGIN;
UPDATE public.bench_min_conversations SET last_seq = last_seq + 1 WHERE id = :k RETURNING last_seq \\gset
INSERT INTO public.bench_min_messages (conversation_id, seq, client_id, sender_id, content)
  VALUES (:k, :last_seq, 'pgb-' || :client_id || '-' || :cid, :client_id, 'hello from pgbench, a typical short chat message of about 60 bytes')
  ON CONFLICT (conversation_id, client_id) DO NOTHING;
END;
`
}

async function prepareTables(sql: Sql, pairs: Array<{ conversationId: string, senderId: string }>) {
  await sql`CREATE TABLE public.bench_send_pairs (k int PRIMARY KEY, conversation_id uuid NOT NULL, sender_id uuid NOT NULL)`
  await sql`INSERT INTO public.bench_send_pairs ${sql(pairs.map((p, i) => ({ k: i + 1, conversation_id: p.conversationId, sender_id: p.senderId })))}`
  await sql`CREATE TABLE public.bench_min_conversations (id bigint PRIMARY KEY, last_seq bigint NOT NULL DEFAULT 0)`
  await sql`CREATE TABLE public.bench_min_messages (conversation_id bigint NOT NULL, seq bigint NOT NULL, client_id text NOT NULL,
    sender_id bigint NOT NULL, content text NOT NULL, created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (conversation_id, seq), UNIQUE (conversation_id, client_id))`
  await sql`INSERT INTO public.bench_min_conversations (id) SELECT generate_series(1, ${CONVERSATIONS}::int)`
}

/** CPU seconds of every local process named postgres (backends, WAL writer, checkpointer); null if none is local. */
function postgresCpuSeconds(): number | null {
  let total = 0
  let found = false
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue
    try {
      if (readFileSync(`/proc/${entry}/comm`, 'utf8').trim() !== 'postgres') continue
    } catch {
      continue
    }
    const seconds = cpuSecondsOf(Number(entry))
    if (seconds !== undefined) {
      total += seconds
      found = true
    }
  }
  return found ? total : null
}

interface Run { script: 'batch statement' | 'minimal transaction', clients: number, tps: number, latencyAverageMs: number | null, failed: number, postgresCpuMsPerTransaction: number | null, loadAverage: number[] }

async function pgbench(databaseUrl: string, name: Run['script'], script: string, clients: number): Promise<Run> {
  const dir = await mkdtemp(join(tmpdir(), 'sb-statement-'))
  try {
    await writeFile(join(dir, 'script.sql'), script)
    const loadAvg = loadAverage()
    const running = run('pgbench', ['-n', '-M', 'prepared', '-c', String(clients), '-j', String(Math.min(clients, 2)), '-T', String(SECONDS),
      '-f', join(dir, 'script.sql'), ...pgbenchConnectionArgs(databaseUrl)], { env: { ...process.env, PGPASSWORD: decodeURIComponent(new URL(databaseUrl).password) }, maxBuffer: 16 * 2 ** 20 })
    // Postgres CPU is read while pgbench's backends live (their time is gone from /proc once they exit), from 1 s in
    // (connections made) to 0.5 s before the end, and charged at pgbench's rate over the whole run.
    await sleep(1000)
    const cpuBefore = postgresCpuSeconds()
    const windowStart = performance.now()
    await sleep((SECONDS - 1.5) * 1000)
    const cpuAfter = postgresCpuSeconds()
    const windowSeconds = (performance.now() - windowStart) / 1000
    const { stdout } = await running
    const number = (pattern: RegExp) => Number(pattern.exec(stdout)?.[1] ?? Number.NaN)
    const tps = number(/tps = ([\d.]+) \(without initial connection time\)/)
    const transactions = number(/number of transactions actually processed: (\d+)/)
    const failed = number(/number of failed transactions: (\d+)/) || 0
    if (!Number.isFinite(tps) || !transactions) throw new Error(`pgbench (${name}, ${clients} clients) ran nothing:\n${stdout}`)
    const cpu = cpuBefore !== null && cpuAfter !== null ? (cpuAfter - cpuBefore) * 1000 / (tps * windowSeconds) : null
    return { script: name, clients, tps: Math.round(tps), latencyAverageMs: round(number(/latency average = ([\d.]+) ms/)), failed, postgresCpuMsPerTransaction: cpu === null ? null : round(cpu), loadAverage: loadAvg }
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
}

async function main() {
  const startedAt = new Date().toISOString()
  const host = hostInfo()
  log('booting postgres')
  const target = await bootTarget('postgres', { ...readBenchConfig(), instances: 1 })
  const sql = postgres(target.databaseUrl!, { max: 1, onnotice: () => {} })
  const runs: Run[] = []
  try {
    const projectId = await createProject(target.admin, 'statement')
    const senders = await createUsers(target.admin, projectId, CONVERSATIONS, 's')
    const pairs = []
    for (const sender of senders) pairs.push({ conversationId: await createConversation(target.admin, projectId, `statement ${pairs.length}`, [sender]), senderId: sender.id })
    await prepareTables(sql, pairs)
    await sql`VACUUM ANALYZE`
    log(`${CONVERSATIONS} conversations, one sender each; ${SECONDS} s per run, clients ${CLIENTS.join(', ')}`)
    // The two scripts alternate at each client count, so drift in the machine's load reaches both alike.
    for (const clients of CLIENTS) {
      for (const [name, script] of [['batch statement', batchScript()], ['minimal transaction', minimalScript()]] as const) {
        const result = await pgbench(target.databaseUrl!, name, script, clients)
        runs.push(result)
        log(`${name}, ${clients} clients: ${result.tps} tps, latency ${result.latencyAverageMs} ms, Postgres CPU ${result.postgresCpuMsPerTransaction ?? '?'} ms per transaction${result.failed ? `, ${result.failed} failed` : ''}`)
      }
    }
  } finally {
    await sql.end({ timeout: 5 }).catch(() => {})
    await target.teardown()
  }
  const byClients = CLIENTS.map((clients) => {
    const [batch, minimal] = (['batch statement', 'minimal transaction'] as const).map(s => runs.find(r => r.script === s && r.clients === clients)!)
    return {
      clients,
      tpsRatio: round(batch!.tps / minimal!.tps, 2),
      postgresCpuRatio: batch!.postgresCpuMsPerTransaction && minimal!.postgresCpuMsPerTransaction ? round(batch!.postgresCpuMsPerTransaction / minimal!.postgresCpuMsPerTransaction, 2) : null
    }
  })
  const report = { startedAt, finishedAt: new Date().toISOString(), commit: gitCommit(), host: { ...host, loadAvgAtEnd: loadAverage() }, config: { clients: CLIENTS, seconds: SECONDS, conversations: CONVERSATIONS }, runs, ratios: byClients }
  await mkdir(OUT_DIR, { recursive: true })
  const out = join(OUT_DIR, `statement-${startedAt.replace(/[:.]/g, '-')}.json`)
  for (const path of [out, join(OUT_DIR, 'statement-latest.json')]) {
    await writeFile(`${path}.tmp`, `${JSON.stringify(report, null, 2)}\n`)
    await rename(`${path}.tmp`, path)
  }
  for (const r of byClients) console.log(`${r.clients} clients: the batch statement at ${r.tpsRatio}× the minimal transaction's tps, ${r.postgresCpuRatio ?? '?'}× its Postgres CPU`)
  log(`wrote ${out}`)
}

main().catch((error) => {
  console.error(error)
  process.exit(1)
})
