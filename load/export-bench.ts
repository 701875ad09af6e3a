// `npm run bench:export`: boots the built app on Postgres, seeds one conversation with EXPORT_BENCH_ROWS messages
// (default 200 000) straight into the database, streams its ndjson and zip exports and samples the server's RSS
// while they run, to show that an export's memory does not grow with the conversation. Writes
// bench-results/export-<timestamp>.json. See docs/operations.md.
import { createHash } from 'node:crypto'
import { createWriteStream } from 'node:fs'
import { mkdir, mkdtemp, rename, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Readable, Transform, Writable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import type { ReadableStream as WebReadableStream } from 'node:stream/web'
import postgres from 'postgres'
import { openPromise } from 'yauzl'
import { readBenchConfig } from './lib/config'
import { createConversation, createProject, createUsers } from './lib/fixtures'
import { rssBytesOf } from './lib/probes'
import { gitCommit, hostInfo, loadAverage } from './lib/report'
import { bootTarget } from './lib/target'
import type { Target } from './lib/target'

const ROWS = Number(process.env.EXPORT_BENCH_ROWS || 200_000)
const FORMATS = (process.env.EXPORT_BENCH_FORMATS || 'ndjson,zip').split(',') as Array<'json' | 'ndjson' | 'csv' | 'zip'>
const OUT_DIR = process.env.BENCH_OUT_DIR || 'bench-results'
const MiB = (bytes: number | null | undefined) => bytes == null ? null : Math.round(bytes / 2 ** 20 * 10) / 10
const log = (line: string) => console.log(`[export-bench ${new Date().toISOString().slice(11, 19)}] ${line}`)

/**
 * ROWS messages in one transaction with generate_series: seq continues from last_seq, each has its
 * message:new event, and last_seq moves to the end, so the conversation looks as if the messages were sent.
 * Every 100th is deleted, every 20th has a reaction, every 50th an edit: the export reads those tables too.
 */
async function seed(databaseUrl: string, conversationId: string, senders: [string, string]) {
  const sql = postgres(databaseUrl, { max: 1, onnotice: () => {} })
  try {
    await sql.begin(async (tx) => {
      const [head] = await tx<{ last_seq: number }[]>`select last_seq from switchboard.conversations where id = ${conversationId} for update`
      const base = head!.last_seq
      await tx`
        with inserted as (
          insert into switchboard.messages (id, conversation_id, seq, sender_id, client_id, content, created_at, deleted_at, deleted_by)
          select gen_random_uuid(), ${conversationId}, ${base}::int + s, (array[${senders[0]}::uuid, ${senders[1]}::uuid])[s % 2 + 1],
            'bench-export-' || s, 'message ' || s || ', with "quotes", commas and ' || repeat('lorem ipsum ', 10),
            now() - make_interval(secs => ${ROWS}::int - s),
            case when s % 100 = 0 then now() end, case when s % 100 = 0 then ${senders[0]}::uuid end
          from generate_series(1, ${ROWS}::int) s
          returning id, seq, created_at
        )
        insert into switchboard.conversation_events (conversation_id, seq, type, message_id, payload, created_at)
        select ${conversationId}, seq, 'message:new', id, jsonb_build_object('messageId', id), created_at from inserted`
      await tx`insert into switchboard.reactions (message_id, user_id, emoji)
        select id, ${senders[1]}, '👍' from switchboard.messages where conversation_id = ${conversationId} and seq % 20 = 0`
      await tx`insert into switchboard.message_edits (message_id, previous_content, edited_by)
        select id, 'first draft of ' || seq, sender_id from switchboard.messages where conversation_id = ${conversationId} and seq % 50 = 0`
      await tx`update switchboard.conversations set last_seq = ${base + ROWS}, last_message_at = now() where id = ${conversationId}`
    })
    // A conversation that grew by sends has planner statistics (autovacuum); one bulk load does not, and without
    // them Postgres sorts the whole remaining range for every page instead of walking the (conversation_id, seq) index.
    await sql`analyze switchboard.messages, switchboard.reactions, switchboard.message_edits, switchboard.files`
  } finally {
    await sql.end({ timeout: 5 })
  }
}

/** Hashes every entry of the downloaded zip against its manifest; returns the manifest's message count. */
async function verifyZip(file: string): Promise<number> {
  const zip = await openPromise(file, { lazyEntries: true })
  const hashes = new Map<string, string>()
  let manifest: { counts: { messages: number }, entries: { path: string, sha256: string }[] } | undefined
  for await (const entry of zip.eachEntry()) {
    const hash = createHash('sha256')
    const chunks: Buffer[] = []
    for await (const chunk of await zip.openReadStreamPromise(entry)) {
      hash.update(chunk as Buffer)
      if (entry.fileName === 'manifest.json') chunks.push(chunk as Buffer)
    }
    if (entry.fileName === 'manifest.json') manifest = JSON.parse(Buffer.concat(chunks).toString('utf8'))
    else hashes.set(entry.fileName, hash.digest('hex'))
  }
  if (!manifest) throw new Error('zip has no manifest.json')
  for (const e of manifest.entries) if (hashes.get(e.path) !== e.sha256) throw new Error(`zip entry ${e.path} does not match its manifest hash`)
  return manifest.counts.messages
}

async function streamExport(target: Target, conversationId: string, format: string, dir: string) {
  const pid = target.probe.pids[0]!
  const rssStart = rssBytesOf(pid)
  const stopPeak = target.probe.watchPeak(100)
  const started = performance.now()
  const res = await fetch(`${target.baseURLs[0]}/api/admin/conversations/${conversationId}/export?format=${format}`, {
    headers: { authorization: `Bearer ${target.admin.token}` }
  })
  if (!res.ok || !res.body) throw new Error(`export ${format}: HTTP ${res.status} ${await res.text()}`)
  let bytes = 0
  let lines = 0
  const counter = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      bytes += chunk.length
      if (format === 'ndjson') for (const b of chunk) if (b === 10) lines++
      done(null, chunk)
    }
  })
  const file = join(dir, `export.${format}`)
  const sink = format === 'zip' ? createWriteStream(file) : new Writable({ write: (_c, _e, done) => done() })
  await pipeline(Readable.fromWeb(res.body as WebReadableStream), counter, sink)
  const seconds = (performance.now() - started) / 1000
  const rssPeak = stopPeak()
  const rssEnd = rssBytesOf(pid)
  const rows = format === 'zip' ? await verifyZip(file) : lines
  return {
    format, rows, bytes, seconds: Math.round(seconds * 100) / 100, rowsPerSecond: Math.round(rows / seconds),
    rssMiB: { start: MiB(rssStart), peak: MiB(rssPeak), end: MiB(rssEnd) }
  }
}

async function main() {
  const startedAt = new Date().toISOString()
  const host = hostInfo()
  log('booting postgres')
  const target = await bootTarget('postgres', { ...readBenchConfig(), instances: 1 })
  const dir = await mkdtemp(join(tmpdir(), 'sb-export-bench-'))
  try {
    const projectId = await createProject(target.admin, 'export')
    const users = await createUsers(target.admin, projectId, 2, 'e')
    const conversationId = await createConversation(target.admin, projectId, 'export bench', users)
    log(`seeding ${ROWS} messages`)
    const seedStart = performance.now()
    await seed(target.databaseUrl!, conversationId, [users[0]!.id, users[1]!.id])
    const seedSeconds = Math.round((performance.now() - seedStart) / 100) / 10
    const rssIdle = MiB(rssBytesOf(target.probe.pids[0]!))
    const runs = []
    for (const format of FORMATS) {
      log(`streaming ${format}`)
      const run = await streamExport(target, conversationId, format, dir)
      log(`${format}: ${run.rows} rows, ${MiB(run.bytes)} MiB in ${run.seconds} s; RSS MiB start ${run.rssMiB.start}, peak ${run.rssMiB.peak}, end ${run.rssMiB.end}`)
      runs.push(run)
    }
    const report = { startedAt, finishedAt: new Date().toISOString(), commit: gitCommit(), host: { ...host, loadAvgAtEnd: loadAverage() }, rows: ROWS, seedSeconds, rssIdleMiB: rssIdle, runs }
    await mkdir(OUT_DIR, { recursive: true })
    const out = join(OUT_DIR, `export-${startedAt.replace(/[:.]/g, '-')}.json`)
    await writeFile(`${out}.tmp`, `${JSON.stringify(report, null, 2)}\n`)
    await rename(`${out}.tmp`, out)
    log(`wrote ${out}`)
  } finally {
    await rm(dir, { recursive: true, force: true })
    await target.teardown()
  }
}

main().catch((error) => {
  console.error(error)
  process.exit(1)
})
