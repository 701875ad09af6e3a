// `npm run bench:history`: boots the built app on Postgres (a fresh database), creates one conversation through the
// API and generates BENCH_HISTORY_MESSAGES messages (default 10 000 000) into it straight in SQL, then times
// GET /api/conversations/:id/messages for the newest page and for a page BENCH_HISTORY_DEPTH (100 000) seqs back,
// against pgbench running listHistory's own SELECT for both pages, with EXPLAIN (ANALYZE, BUFFERS) of each.
// Writes bench-results/history-<timestamp>.json and history-latest.json. See docs/operations.md.
import { mkdir, rename, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import postgres from 'postgres'
import type { Sql } from 'postgres'
import { finishConversations, insertInChunks } from './lib/analytics-seed'
import { readBenchConfig, int } from './lib/config'
import { keepAliveGetter } from './lib/http-get'
import { measure, perOp } from './lib/cost'
import { createConversation, createProject, createUsers } from './lib/fixtures'
import { explainPlans, historyStatements, insertHistory, watchStatements } from './lib/history-sql'
import { runPgbench } from './lib/pgbench'
import type { PgbenchRun, Statement } from './lib/pgbench'
import { gitCommit, hostInfo, loadAverage } from './lib/report'
import { mapLimit, sleep, summarize } from './lib/stats'
import { bootTarget } from './lib/target'
import type { Target } from './lib/target'

const MESSAGES = int('BENCH_HISTORY_MESSAGES', 10_000_000, 1)
const CHUNK = int('BENCH_HISTORY_CHUNK', 1_000_000, 1)
const DEPTH = int('BENCH_HISTORY_DEPTH', 100_000, 1)
const LIMIT = int('BENCH_HISTORY_LIMIT', 50, 1)
const REQUESTS = int('BENCH_HISTORY_REQUESTS', 2000, 1)
const CONCURRENCY = int('BENCH_HISTORY_CONCURRENCY', 4, 1)
const ROUNDS = int('BENCH_HISTORY_ROUNDS', 3, 1)
const WARMUP = int('BENCH_HISTORY_WARMUP', 1500, 1)
const PGBENCH_MODES = (process.env.BENCH_HISTORY_PGBENCH_MODES || 'prepared,extended').split(',').map(s => s.trim()) as Array<PgbenchRun['mode']>
const OUT_DIR = process.env.BENCH_OUT_DIR || 'bench-results'
const STATS_FLUSH_MS = 11_000
const log = (line: string) => console.log(`[history-bench ${new Date().toISOString().slice(11, 19)}] ${line}`)
const seconds = (since: number) => Math.round((performance.now() - since) / 100) / 10
const client = keepAliveGetter(CONCURRENCY)
const round = (n: number, digits = 2) => Math.round(n * 10 ** digits) / 10 ** digits

const PAGES = ['first', 'deep'] as const
type Page = typeof PAGES[number]
// pgbench scripts: the app's page statement alone (the issue's yardstick: the same SQL), the statements listHistory
// sends (the page, and its files when any has files), and the bare keyset SELECT the page statement wraps (no
// reader check, reactions or files: the floor any page costs).
const SCRIPTS = ['select', 'listHistory', 'keyset'] as const
type Script = typeof SCRIPTS[number]

async function timeRest(url: string, token: string, count: number, expectSeqs?: { from: number, to: number }) {
  const samples: number[] = []
  await mapLimit(Array.from({ length: count }, (_, i) => i), CONCURRENCY, async () => {
    const t = performance.now()
    const { status, text } = await client.get(url, { authorization: `Bearer ${token}` })
    samples.push(performance.now() - t)
    if (status !== 200) throw new Error(`GET ${url}: HTTP ${status} ${text.slice(0, 300)}`)
    if (expectSeqs) {
      const body = JSON.parse(text) as { messages: Array<{ seq: number }>, hasMore: boolean }
      const seqs = body.messages.map(m => m.seq)
      if (seqs[0] !== expectSeqs.from || seqs.at(-1) !== expectSeqs.to || seqs.length !== LIMIT || !body.hasMore) {
        throw new Error(`GET ${url}: seqs ${seqs[0]}…${seqs.at(-1)} (${seqs.length}, hasMore ${body.hasMore}), expected ${expectSeqs.from}…${expectSeqs.to}`)
      }
    }
  })
  return samples
}

/** The conversation through the API (two client participants, the first one reads), then its history in SQL. */
async function seedConversation(target: Target, sql: Sql) {
  const projectId = await createProject(target.admin, 'history')
  const participants = await createUsers(target.admin, projectId, 2, 'h')
  const conversationId = await createConversation(target.admin, projectId, 'history bench', participants)
  log(`seeding ${MESSAGES} messages into conversation ${conversationId}, ${CHUNK} per statement, all indexes in place`)
  const inserted = await insertInChunks(sql, MESSAGES, CHUNK, (lo, hi) => insertHistory(sql, conversationId, participants.map(p => p.id), MESSAGES, lo, hi), log)
  await finishConversations(sql)
  // VACUUM sets the hint bits and the visibility map now, so neither the reads nor autovacuum do it mid-run.
  const vacuumStart = performance.now()
  await sql`vacuum (analyze) switchboard.messages`
  const vacuumAnalyzeSeconds = seconds(vacuumStart)
  const [head] = await sql<{ last_seq: number, rows: string, heap: string, total: string }[]>`
    select c.last_seq, (select count(*) from switchboard.messages where conversation_id = c.id) as rows,
      pg_relation_size('switchboard.messages') as heap, pg_total_relation_size('switchboard.messages') as total
    from switchboard.conversations c where c.id = ${conversationId}`
  const mib = (bytes: string | number) => Math.round(Number(bytes) / 2 ** 20)
  const indexesMiB = Object.fromEntries((await sql<{ name: string, bytes: string }[]>`
    select indexrelname as name, pg_relation_size(indexrelid) as bytes from pg_stat_user_indexes where relname = 'messages'`)
    .map(r => [r.name, mib(r.bytes)]))
  const seed = { ...inserted, vacuumAnalyzeSeconds, rows: Number(head!.rows), lastSeq: head!.last_seq, heapMiB: mib(head!.heap), totalMiB: mib(head!.total), indexesMiB }
  log(`seeded in ${seed.seconds} s, vacuum analyze ${vacuumAnalyzeSeconds} s; ${seed.rows} rows, last_seq ${seed.lastSeq}, `
    + `heap ${seed.heapMiB} MiB, total ${seed.totalMiB} MiB; indexes MiB ${JSON.stringify(indexesMiB)}`)
  return { conversationId, reader: participants[0]!, seed }
}

async function run(target: Target, sql: Sql) {
  const { conversationId, reader, seed } = await seedConversation(target, sql)
  const deepBefore = seed.lastSeq - DEPTH
  if (deepBefore <= LIMIT) throw new Error(`BENCH_HISTORY_DEPTH ${DEPTH} needs more than ${DEPTH + LIMIT} messages`)
  const base = `${target.baseURLs[0]}/api/conversations/${conversationId}/messages?limit=${LIMIT}`
  const pages = {
    first: { url: base, statements: await historyStatements(sql, conversationId, reader.id, undefined, LIMIT), seqs: { from: seed.lastSeq - LIMIT + 1, to: seed.lastSeq } },
    deep: { url: `${base}&before=${deepBefore}`, statements: await historyStatements(sql, conversationId, reader.id, deepBefore, LIMIT), seqs: { from: deepBefore - LIMIT, to: deepBefore - 1 } }
  }
  const scriptOf = (page: Page, script: Script): Statement[] => {
    const { select, hydrate, keyset } = pages[page].statements
    return script === 'select' ? [select] : script === 'keyset' ? [keyset] : [select, ...hydrate]
  }

  const refreshes = async () => (await sql<{ n: number }[]>`select count(*)::int as n from analytics.refreshes`)[0]!.n
  const refreshesBefore = await refreshes()
  // Warm-up: loads the routes, the pools and the pages, and lets V8 optimise the path (with 200 requests per page
  // the first round measured ran at 1.3 ms of app CPU per request, later ones at 0.5–0.9, whichever page came
  // first); meanwhile checks the replies and which SQL the app sends.
  const stopWatch = watchStatements(sql)
  for (const page of Object.values(pages)) await timeRest(page.url, reader.token, WARMUP, page.seqs)
  const seen = await stopWatch()
  // pg_stat_activity keeps the first track_activity_query_size bytes (1 kB by default) of a statement's text.
  const ran = (text: string) => [...seen].some(t => t === text || (t.length >= 1000 && text.startsWith(t)))
  const seenInApp = Object.fromEntries(PAGES.map(page => [page, [pages[page].statements.select, ...pages[page].statements.hydrate].map(s => ran(s.text))]))
  log(`app ran the bench's statements (select, reactions, files): ${JSON.stringify(seenInApp)} (${seen.size} distinct texts seen)`)
  if (!Object.values(seenInApp).flat().every(Boolean)) throw new Error(`the app's history SQL differs from the bench's; it ran:\n${[...seen].join('\n')}`)
  for (const mode of PGBENCH_MODES) {
    for (const page of PAGES) await runPgbench(target.databaseUrl!, scriptOf(page, 'listHistory'), { clients: CONCURRENCY, perClient: 50, mode })
  }
  // The warm-up's statements reach the counters up to 10 s late: not in the first round's.
  await sleep(STATS_FLUSH_MS)

  // Rounds alternate REST and pgbench, page by page, so drift in the machine's load reaches both alike.
  const perRound = Math.ceil(REQUESTS / ROUNDS / CONCURRENCY) * CONCURRENCY
  const rest = Object.fromEntries(PAGES.map(page => [page, { samples: [] as number[], rounds: [] as unknown[] }])) as Record<Page, { samples: number[], rounds: unknown[] }>
  const pg: Record<string, number[]> = {}
  const pgRuns: Record<string, PgbenchRun[]> = {}
  for (let r = 1; r <= ROUNDS; r++) {
    for (const page of PAGES) {
      const loadAvg = loadAverage()
      const done = await measure(target.probe)
      const started = performance.now()
      const samples = await timeRest(pages[page].url, reader.token, perRound)
      const requestsPerSecond = round(perRound * 1000 / (performance.now() - started), 1)
      // CPU is read as the requests end, so the wait below adds nothing of the idle app to a request.
      const cost = await done()
      // Backends report their counters (statements per request) when idle, at the latest 10 s later (PG 15): the
      // same window read again after the wait.
      await sleep(STATS_FLUSH_MS)
      const { db, appCpuSeconds: withWait } = await done()
      // What the app spent during the wait alone: what the per-request figure used to include.
      const appCpuSecondsDuringWait = withWait === null || cost.appCpuSeconds === null ? null : round(withWait - cost.appCpuSeconds)
      const latencyMs = summarize(samples)!
      const perRequest = perOp({ ...cost, db }, perRound)
      rest[page].samples.push(...samples)
      rest[page].rounds.push({ round: r, loadAvg, requestsPerSecond, latencyMs, perRequest, appCpuSeconds: cost.appCpuSeconds, appCpuSecondsDuringWait, dbCpuSeconds: cost.dbCpuSeconds, db })
      log(`round ${r} ${page}: REST p50 ${latencyMs.p50} / p99 ${latencyMs.p99} ms, ${requestsPerSecond}/s; per request app CPU `
        + `${perRequest.appCpuMs} ms, db CPU ${perRequest.dbCpuMs} ms, ${perRequest.dbCommits} statements, client CPU ${round(cost.benchCpuSeconds * 1000 / perRound)} ms; app CPU in the ${STATS_FLUSH_MS / 1000} s wait after, not counted: ${appCpuSecondsDuringWait} s (load ${loadAvg.join(' ')})`)
      for (const mode of PGBENCH_MODES) {
        for (const script of SCRIPTS) {
          const { samples: s, ...one } = await runPgbench(target.databaseUrl!, scriptOf(page, script), { clients: CONCURRENCY, perClient: perRound / CONCURRENCY, mode })
          const key = `${mode} ${script} ${page}`
          pg[key] = [...pg[key] ?? [], ...s]
          pgRuns[key] = [...pgRuns[key] ?? [], one]
          log(`round ${r} ${page}: pgbench -M ${mode} ${script}: p50 ${one.latencyMs!.p50} / avg ${one.reportedLatencyAverageMs} / p99 ${one.latencyMs!.p99} ms, ${one.tps} tps`)
        }
      }
    }
  }

  const scheduledRefreshes = await refreshes() - refreshesBefore
  if (scheduledRefreshes) log(`WARNING: ${scheduledRefreshes} analytics refresh(es) ran during the measurement`)
  const explain = { first: await explainPlans(sql, pages.first.statements.select), deep: await explainPlans(sql, pages.deep.statements.select) }
  const pgbench = Object.fromEntries(PGBENCH_MODES.map(mode => [mode, Object.fromEntries(SCRIPTS.map(script => [script, Object.fromEntries(PAGES.map((page) => {
    const key = `${mode} ${script} ${page}`
    const runs = pgRuns[key]!
    // pgbench's own average (elapsed time × clients / transactions) per run, averaged over the equal-sized runs.
    const reported = runs.reduce((a, b) => a + (b.reportedLatencyAverageMs ?? 0), 0) / runs.length
    return [page, { reportedLatencyAverageMs: round(reported, 3), latencyMs: summarize(pg[key]!), runs }]
  }))]))]))
  return {
    conversationId, rows: seed.rows, lastSeq: seed.lastSeq, deepBefore, seed, scheduledRefreshes,
    sql: { first: pages.first.statements, deep: pages.deep.statements, seenInApp },
    rest: Object.fromEntries(PAGES.map(page => [page, { latencyMs: summarize(rest[page].samples), rounds: rest[page].rounds }])) as Record<Page, { latencyMs: ReturnType<typeof summarize>, rounds: unknown[] }>,
    pgbench: pgbench as Record<string, Record<Script, Record<Page, { reportedLatencyAverageMs: number, latencyMs: ReturnType<typeof summarize>, runs: PgbenchRun[] }>>>,
    explain
  }
}

type Result = Awaited<ReturnType<typeof run>>

const median = (xs: number[]) => {
  if (xs.length === 0) return null
  const sorted = [...xs].sort((a, b) => a - b)
  const mid = Math.floor(sorted.length / 2)
  return round(sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2)
}

/** REST over pgbench -M prepared running the page statement (the issue's yardstick) and the bare keyset SELECT, and deep over first. */
function ratios(result: Result) {
  const ratio = (a?: number, b?: number) => (a === undefined || b === undefined || b === 0 ? null : round(a / b))
  const { rest } = result
  const pg = result.pgbench.prepared?.select
  const keyset = result.pgbench.prepared?.keyset
  return {
    restP99OverPgbenchP99: { first: ratio(rest.first.latencyMs?.p99, pg?.first.latencyMs?.p99), deep: ratio(rest.deep.latencyMs?.p99, pg?.deep.latencyMs?.p99) },
    restP99OverKeysetP99: { first: ratio(rest.first.latencyMs?.p99, keyset?.first.latencyMs?.p99), deep: ratio(rest.deep.latencyMs?.p99, keyset?.deep.latencyMs?.p99) },
    // Round by round (REST and pgbench a few seconds apart), and their median: a p99 of 1,000 samples is its 10th
    // slowest, so one stall moves a single round's ratio by a third; the harness quotes medians of 3 likewise.
    restP99OverPgbenchP99ByRound: Object.fromEntries(PAGES.map((page) => {
      const byRound = (rest[page].rounds as Array<{ latencyMs: { p99: number } }>).map((r, i) => ratio(r.latencyMs.p99, pg?.[page].runs[i]?.latencyMs?.p99))
      return [page, { rounds: byRound, median: median(byRound.filter((x): x is number => x !== null)) }]
    })),
    deepOverFirst: {
      restP50: ratio(rest.deep.latencyMs?.p50, rest.first.latencyMs?.p50),
      restP99: ratio(rest.deep.latencyMs?.p99, rest.first.latencyMs?.p99),
      pgbenchP50: ratio(pg?.deep.latencyMs?.p50, pg?.first.latencyMs?.p50),
      pgbenchP99: ratio(pg?.deep.latencyMs?.p99, pg?.first.latencyMs?.p99)
    }
  }
}

async function main() {
  const startedAt = new Date().toISOString()
  const host = hostInfo()
  log('booting postgres')
  // The longest analytics schedule (12 h): a refresh reads all of switchboard.messages, so the default 5-minute one
  // would compete with the measured reads (it did in the first run). scheduledRefreshes in the JSON shows a stray one.
  const target = await bootTarget('postgres', { ...readBenchConfig(), instances: 1 }, { ANALYTICS_REFRESH_SECONDS: '43200' })
  const sql = postgres(target.databaseUrl!, { max: 1, onnotice: () => {} })
  // Ctrl-C or a kill during the long seed still drops the database (the target's teardown does).
  let tornDown: Promise<void> | undefined
  const teardown = () => (tornDown ??= sql.end({ timeout: 5 }).catch(() => {}).then(() => {
    client.close()
    return target.teardown()
  }))
  const onSignal = (signal: NodeJS.Signals) => {
    log(`${signal}: dropping the database`)
    void teardown().finally(() => process.exit(130))
  }
  process.once('SIGINT', onSignal)
  process.once('SIGTERM', onSignal)
  let result: Result
  try {
    result = await run(target, sql)
  } finally {
    await teardown()
  }
  const report = {
    startedAt, finishedAt: new Date().toISOString(), commit: gitCommit(), host: { ...host, loadAvgAtEnd: loadAverage() },
    config: { messages: MESSAGES, chunk: CHUNK, depth: DEPTH, limit: LIMIT, requests: REQUESTS, rounds: ROUNDS, concurrency: CONCURRENCY, pgbenchModes: PGBENCH_MODES },
    ...result,
    ratios: ratios(result)
  }
  await mkdir(OUT_DIR, { recursive: true })
  const out = join(OUT_DIR, `history-${startedAt.replace(/[:.]/g, '-')}.json`)
  for (const path of [out, join(OUT_DIR, 'history-latest.json')]) {
    await writeFile(`${path}.tmp`, `${JSON.stringify(report, null, 2)}\n`)
    await rename(`${path}.tmp`, path)
  }
  for (const line of summary(report)) console.log(line)
  log(`wrote ${out}`)
}

function summary(report: Result & { ratios: ReturnType<typeof ratios> }) {
  const ms = (l: { p50: number, p99: number, mean: number } | null | undefined) => (l ? `p50 ${l.p50} / mean ${l.mean} / p99 ${l.p99} ms` : 'n/a')
  const lines = [`== history: ${report.rows} messages in one conversation, pages of ${LIMIT}, ${CONCURRENCY} clients; seed ${report.seed.seconds} s`]
  for (const page of PAGES) {
    lines.push(`   ${page === 'first' ? 'first page' : `before=${report.deepBefore}`}: REST ${ms(report.rest[page].latencyMs)}`)
    for (const [mode, scripts] of Object.entries(report.pgbench)) {
      for (const script of SCRIPTS) lines.push(`      pgbench -M ${mode} ${script}: ${ms(scripts[script][page].latencyMs)} (pgbench's average ${scripts[script][page].reportedLatencyAverageMs} ms)`)
    }
  }
  const r = report.ratios
  lines.push(`   REST p99 / pgbench p99 of the page statement: first ${r.restP99OverPgbenchP99.first}×, deep ${r.restP99OverPgbenchP99.deep}×; of the bare keyset SELECT: first ${r.restP99OverKeysetP99.first}×, deep ${r.restP99OverKeysetP99.deep}×; deep / first: REST p50 ${r.deepOverFirst.restP50}×, p99 ${r.deepOverFirst.restP99}×`)
  const byRound = r.restP99OverPgbenchP99ByRound
  lines.push(`   by round (REST p99 / the same round's pgbench p99): first ${byRound.first?.rounds.join(', ')} (median ${byRound.first?.median}×), deep ${byRound.deep?.rounds.join(', ')} (median ${byRound.deep?.median}×)`)
  for (const [page, e] of Object.entries(report.explain)) lines.push(`   EXPLAIN ${page} (custom plan):`, ...e.custom.split('\n').map(l => `     ${l}`))
  return lines
}

main().catch((error) => {
  console.error(error)
  process.exit(1)
})
