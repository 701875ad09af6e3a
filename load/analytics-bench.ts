// `npm run bench:analytics`: boots the built app on Postgres (a fresh database), generates ANALYTICS_BENCH_ROWS
// messages (default 10 000 000) with generate_series straight into it, refreshes the analytics views through the
// API and times the dashboard's reads, checking from Postgres's own counters that no read touched
// switchboard.messages. Writes bench-results/analytics-<timestamp>.json. See docs/operations.md.
import { request } from 'node:http'
import { mkdir, rename, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import postgres from 'postgres'
import type { Sql } from 'postgres'
import { readBenchConfig, int } from './lib/config'
import { createProject } from './lib/fixtures'
import { finishConversations, insertInChunks, insertMessages, seedPeople } from './lib/analytics-seed'
import type { AnalyticsSeedPlan } from './lib/analytics-seed'
import { gitCommit, hostInfo, loadAverage } from './lib/report'
import { mapLimit, summarize } from './lib/stats'
import { bootTarget } from './lib/target'

const ROWS = int('ANALYTICS_BENCH_ROWS', 10_000_000, 1)
const REQUESTS = int('ANALYTICS_BENCH_REQUESTS', 200, 1)
const CONCURRENCY = int('ANALYTICS_BENCH_CONCURRENCY', 8, 1)
const OUT_DIR = process.env.BENCH_OUT_DIR || 'bench-results'
// PG 15 backends send their table counters when idle, at the latest PGSTAT_IDLE_INTERVAL (10 s) later.
const STATS_FLUSH_MS = 11_000
const log = (line: string) => console.log(`[analytics-bench ${new Date().toISOString().slice(11, 19)}] ${line}`)
const seconds = (since: number) => Math.round((performance.now() - since) / 100) / 10
const sleep = (ms: number) => new Promise(resolve => setTimeout(resolve, ms))

interface ScanCounters { seqScan: number, seqTupRead: number, idxScan: number }

async function tableCounters(sql: Sql, schema: string): Promise<Record<string, ScanCounters>> {
  await sql`select pg_stat_clear_snapshot()`
  const rows = await sql<{ name: string, seq_scan: string, seq_tup_read: string, idx_scan: string | null }[]>`
    select relname as name, seq_scan, seq_tup_read, idx_scan from pg_stat_all_tables where schemaname = ${schema}`
  return Object.fromEntries(rows.map(r => [r.name, { seqScan: Number(r.seq_scan), seqTupRead: Number(r.seq_tup_read), idxScan: Number(r.idx_scan ?? 0) }]))
}

/** Plain node:http, because fetch gives up on a response whose headers take longer than 300 s. */
function postRefresh(baseURL: string, token: string): Promise<{ status: number, body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(`${baseURL}/api/admin/analytics/refresh`, { method: 'POST', headers: { 'authorization': `Bearer ${token}`, 'content-type': 'application/json' } }, (res) => {
      let body = ''
      res.setEncoding('utf8')
      res.on('data', (chunk: string) => {
        body += chunk
      })
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }))
    })
    req.on('error', reject)
    req.end('{}')
  })
}

async function timeRequests(url: string, token: string, count: number, concurrency: number) {
  const samples: number[] = []
  let bytes = 0
  const started = performance.now()
  await mapLimit(Array.from({ length: count }, (_, i) => i), concurrency, async () => {
    const t = performance.now()
    const res = await fetch(url, { headers: { authorization: `Bearer ${token}` } })
    const text = await res.text()
    if (!res.ok) throw new Error(`GET ${url}: HTTP ${res.status} ${text.slice(0, 300)}`)
    samples.push(performance.now() - t)
    bytes = text.length
  })
  return { count, concurrency, wallSeconds: seconds(started), responseBytes: bytes, latencyMs: summarize(samples) }
}

const dayAgo = (days: number) => new Date(Date.now() - days * 86_400_000).toISOString().slice(0, 10)

async function main() {
  const startedAt = new Date().toISOString()
  const host = hostInfo()
  log('booting postgres')
  // The longest schedule (12 h): the boot-time run refreshes the empty views, and no scheduled run competes with
  // the measured one (a slot boundary at 00:00 or 12:00 UTC still could: scheduledRefreshes shows it).
  const target = await bootTarget('postgres', { ...readBenchConfig(), instances: 1 }, { ANALYTICS_REFRESH_SECONDS: '43200' })
  const sql = postgres(target.databaseUrl!, { max: 1, onnotice: () => {} })
  try {
    const projects = []
    for (const label of ['north', 'south', 'east']) projects.push(await createProject(target.admin, `analytics-${label}`))
    const plan: AnalyticsSeedPlan = {
      rows: ROWS,
      projects,
      conversations: int('ANALYTICS_BENCH_CONVERSATIONS', Math.max(10, Math.round(ROWS / 500)), 1),
      staffPerProject: 8,
      clientsPerProject: 400,
      days: 90,
      chunk: int('ANALYTICS_BENCH_CHUNK', 1_000_000, 1)
    }
    log(`seeding ${ROWS} messages in ${plan.conversations} conversations`)
    const seedStart = performance.now()
    await seedPeople(sql, plan, log)
    await insertInChunks(sql, ROWS, plan.chunk, (lo, hi) => insertMessages(sql, plan, lo, hi), log)
    await finishConversations(sql)
    const seedSeconds = seconds(seedStart)
    const analyzeStart = performance.now()
    await sql`analyze switchboard.messages, switchboard.conversations, switchboard.conversation_members, switchboard.project_members, switchboard.users`
    const analyzeSeconds = seconds(analyzeStart)
    const [size] = await sql<{ messages: string, bytes: string }[]>`
      select count(*) as messages, pg_total_relation_size('switchboard.messages') as bytes from switchboard.messages`
    log(`seeded in ${seedSeconds} s, analyzed in ${analyzeSeconds} s; ${size!.messages} messages, ${Math.round(Number(size!.bytes) / 2 ** 20)} MiB with indexes`)

    log('refreshing the views (POST /api/admin/analytics/refresh)')
    const refreshStart = performance.now()
    const refresh = await postRefresh(target.baseURLs[0]!, target.admin.token)
    const refreshWallSeconds = seconds(refreshStart)
    if (refresh.status !== 200) throw new Error(`refresh: HTTP ${refresh.status} ${refresh.body}`)
    const recorded = JSON.parse(refresh.body) as { refreshedAt: string, refreshDurationMs: number }
    const [stored] = await sql<{ duration_ms: number }[]>`select duration_ms from analytics.refreshes where trigger = 'manual' order by finished_at desc limit 1`
    const viewRows = Object.fromEntries(await Promise.all(['messages_daily', 'conversation_daily', 'user_daily', 'conversation_facts', 'client_threads']
      .map(async v => [v, Number((await sql.unsafe(`select count(*) as n from analytics.${v}`))[0]!.n)])))
    log(`refresh: ${refreshWallSeconds} s over HTTP, ${recorded.refreshDurationMs} ms recorded; view rows ${JSON.stringify(viewRows)}`)

    const summary = `${target.baseURLs[0]}/api/admin/analytics`
    const endpoints: Record<string, string> = {
      'summary all projects 30 days': `${summary}?from=${dayAgo(29)}&to=${dayAgo(0)}`,
      'summary all projects 90 days': `${summary}?from=${dayAgo(89)}&to=${dayAgo(0)}`,
      'summary one project 30 days': `${summary}?projectId=${projects[0]}`,
      'summary kind=support 30 days': `${summary}?kind=support`,
      'conversations 30 days': `${summary}/conversations`,
      'conversations.csv 30 days': `${summary}/conversations.csv`
    }
    for (const url of Object.values(endpoints)) await timeRequests(url, target.admin.token, 3, 1) // warm caches and plans
    await sleep(STATS_FLUSH_MS)
    const refreshesBefore = (await sql<{ n: number }[]>`select count(*)::int as n from analytics.refreshes`)[0]!.n
    const before = { switchboard: await tableCounters(sql, 'switchboard'), analytics: await tableCounters(sql, 'analytics') }
    const reads: Record<string, unknown> = {}
    for (const [name, url] of Object.entries(endpoints)) {
      for (const concurrency of [1, CONCURRENCY]) {
        const run = await timeRequests(url, target.admin.token, REQUESTS, concurrency)
        const l = run.latencyMs!
        log(`  ${name} ×${REQUESTS} @${concurrency}: p50 ${l.p50} / p95 ${l.p95} / p99 ${l.p99} / max ${l.max} ms (${run.responseBytes} B)`)
        reads[`${name} @${concurrency}`] = run
      }
    }
    await sleep(STATS_FLUSH_MS)
    const after = { switchboard: await tableCounters(sql, 'switchboard'), analytics: await tableCounters(sql, 'analytics') }
    const refreshesAfter = (await sql<{ n: number }[]>`select count(*)::int as n from analytics.refreshes`)[0]!.n
    const delta = (schema: 'switchboard' | 'analytics') => Object.fromEntries(Object.entries(after[schema])
      .map(([t, c]) => [t, { seqScan: c.seqScan - (before[schema][t]?.seqScan ?? 0), idxScan: c.idxScan - (before[schema][t]?.idxScan ?? 0) }])
      .filter(([, d]) => (d as ScanCounters).seqScan || (d as ScanCounters).idxScan))
    const messagesDelta = delta('switchboard').messages ?? { seqScan: 0, idxScan: 0 }
    const readsFromViews = messagesDelta.seqScan === 0 && messagesDelta.idxScan === 0
    log(`switchboard.messages during reads: seq_scan +${messagesDelta.seqScan}, idx_scan +${messagesDelta.idxScan} (${readsFromViews ? 'untouched' : 'READ'}); analytics: ${JSON.stringify(delta('analytics'))}`)

    const report = {
      startedAt, finishedAt: new Date().toISOString(), commit: gitCommit(), host: { ...host, loadAvgAtEnd: loadAverage() },
      rows: Number(size!.messages), plan: { ...plan, projects: plan.projects.length }, messagesTotalMiB: Math.round(Number(size!.bytes) / 2 ** 20),
      seedSeconds, analyzeSeconds,
      refresh: { wallSeconds: refreshWallSeconds, recordedMs: recorded.refreshDurationMs, storedMs: stored?.duration_ms ?? null, viewRows },
      reads,
      scans: { messagesDuringReads: messagesDelta, readsFromViews, switchboard: delta('switchboard'), analytics: delta('analytics'), before: before.switchboard.messages, after: after.switchboard.messages },
      scheduledRefreshesDuringReads: refreshesAfter - refreshesBefore
    }
    await mkdir(OUT_DIR, { recursive: true })
    const out = join(OUT_DIR, `analytics-${startedAt.replace(/[:.]/g, '-')}.json`)
    await writeFile(`${out}.tmp`, `${JSON.stringify(report, null, 2)}\n`)
    await rename(`${out}.tmp`, out)
    log(`wrote ${out}`)
    if (!readsFromViews) throw new Error('dashboard reads touched switchboard.messages')
  } finally {
    await sql.end({ timeout: 5 })
    await target.teardown()
  }
}

main().catch((error) => {
  console.error(error)
  process.exit(1)
})
