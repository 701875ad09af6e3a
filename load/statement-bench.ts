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
import { mkdir, mkdtemp, rename, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import postgres from 'postgres'
import type { Sql } from 'postgres'
import { int, readBenchConfig } from './lib/config'
import { createConversation, createProject, createUsers } from './lib/fixtures'
import { measure } from './lib/cost'
import { execPgbench } from './lib/pgbench'
import { batchScript, minimalScript } from './lib/send-scripts'
import { gitCommit, hostInfo, loadAverage } from './lib/report'
import { sleep } from './lib/stats'
import { bootTarget } from './lib/target'
import type { Target } from './lib/target'

const CLIENTS = (process.env.BENCH_STATEMENT_CLIENTS || '1,4,16').split(',').map(Number).filter(n => n > 0)
const SECONDS = int('BENCH_STATEMENT_SECONDS', 5, 3)
const CONVERSATIONS = int('BENCH_STATEMENT_CONVERSATIONS', 50, 1)
const OUT_DIR = process.env.BENCH_OUT_DIR || 'bench-results'
const log = (line: string) => console.log(`[statement-bench ${new Date().toISOString().slice(11, 19)}] ${line}`)
const round = (n: number, digits = 3) => Math.round(n * 10 ** digits) / 10 ** digits

async function prepareTables(sql: Sql, pairs: Array<{ conversationId: string, senderId: string }>) {
  await sql`CREATE TABLE public.bench_send_pairs (k int PRIMARY KEY, conversation_id uuid NOT NULL, sender_id uuid NOT NULL)`
  await sql`INSERT INTO public.bench_send_pairs ${sql(pairs.map((p, i) => ({ k: i + 1, conversation_id: p.conversationId, sender_id: p.senderId })))}`
  await sql`CREATE TABLE public.bench_min_conversations (id bigint PRIMARY KEY, last_seq bigint NOT NULL DEFAULT 0)`
  await sql`CREATE TABLE public.bench_min_messages (conversation_id bigint NOT NULL, seq bigint NOT NULL, client_id text NOT NULL,
    sender_id bigint NOT NULL, content text NOT NULL, created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (conversation_id, seq), UNIQUE (conversation_id, client_id))`
  await sql`INSERT INTO public.bench_min_conversations (id) SELECT generate_series(1, ${CONVERSATIONS}::int)`
}

interface Run { script: 'batch statement' | 'minimal transaction', clients: number, tps: number, latencyAverageMs: number | null, postgresCpuMsPerTransaction: number | null, loadAverage: number[] }

async function pgbench(target: Target, name: Run['script'], script: string, clients: number): Promise<Run> {
  const dir = await mkdtemp(join(tmpdir(), 'sb-statement-'))
  try {
    await writeFile(join(dir, 'script.sql'), script)
    const loadAvg = loadAverage()
    const running = execPgbench(target.databaseUrl!, ['-n', '-M', 'prepared', '-c', String(clients), '-j', String(Math.min(clients, 2)), '-T', String(SECONDS),
      '-f', join(dir, 'script.sql')])
    // The database's backends (the probe's, as for the app in the other benches) are measured while pgbench's
    // live (their time leaves /proc when they exit), from 1 s in (connected) to 0.5 s before the end, and charged
    // at pgbench's rate over the whole run.
    await sleep(1000)
    const done = await measure(target.probe)
    await sleep((SECONDS - 1.5) * 1000)
    const cost = await done()
    const { tps, latencyAverageMs, stdout } = await running
    if (!tps) throw new Error(`pgbench (${name}, ${clients} clients) ran nothing:\n${stdout}`)
    const cpu = cost.dbCpuSeconds === null ? null : cost.dbCpuSeconds * 1000 / (tps * cost.wallSeconds)
    return { script: name, clients, tps: Math.round(tps), latencyAverageMs, postgresCpuMsPerTransaction: cpu === null ? null : round(cpu), loadAverage: loadAvg }
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
      for (const [name, script] of [['batch statement', batchScript(CONVERSATIONS)], ['minimal transaction', minimalScript(CONVERSATIONS)]] as const) {
        const result = await pgbench(target, name, script, clients)
        runs.push(result)
        log(`${name}, ${clients} clients: ${result.tps} tps, latency ${result.latencyAverageMs} ms, Postgres CPU ${result.postgresCpuMsPerTransaction ?? '?'} ms per transaction`)
      }
    }
  } finally {
    await sql.end({ timeout: 5 }).catch(() => {})
    await target.teardown()
  }
  // Runs come in pairs, the batch statement first, one pair per client count.
  const byClients = CLIENTS.map((clients, i) => {
    const batch = runs[2 * i]!
    const minimal = runs[2 * i + 1]!
    const cpu = batch.postgresCpuMsPerTransaction && minimal.postgresCpuMsPerTransaction ? round(batch.postgresCpuMsPerTransaction / minimal.postgresCpuMsPerTransaction, 2) : null
    return { clients, tpsRatio: round(batch.tps / minimal.tps, 2), postgresCpuRatio: cpu }
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
