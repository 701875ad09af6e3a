// `npm run bench:files`: boots the built app with a real clamd, uploads files the contract's way (create → PUT to
// the signed URL → complete), times the PUTs and the scans (complete → file:updated on the uploader's socket) and
// samples the app's RSS every 100 ms, to show that neither phase holds whole files in memory. One fresh app per
// (mode, type, size, concurrency), so each run's peak over its own baseline is its own. Writes
// bench-results/files-<timestamp>.json and files-latest.json. See docs/operations.md.
import { randomBytes } from 'node:crypto'
import { mkdir, rename, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { startClamd } from '../tests/helpers/clamd'
import { absolute } from '../tests/helpers/files'
import { Api } from '../tests/helpers/api'
import { readBenchConfig } from './lib/config'
import { createConversation, createProject, createUsers } from './lib/fixtures'
import type { BenchUser } from './lib/fixtures'
import { RssSampler, benchFile } from './lib/files-content'
import type { BenchFileType } from './lib/files-content'
import { cpuSecondsOf } from './lib/probes'
import { gitCommit, hostInfo, loadAverage } from './lib/report'
import { mapLimit, sleep, summarize } from './lib/stats'
import { bootTarget } from './lib/target'
import { BenchSocket } from './lib/ws-client'

const list = (name: string, fallback: string) => (process.env[name] || fallback).split(',').map(s => s.trim()).filter(Boolean)
const MODES = list('FILES_BENCH_MODES', 'pglite,postgres') as Array<'pglite' | 'postgres'>
const TYPES = list('FILES_BENCH_TYPES', 'text/plain,image/png') as BenchFileType[]
const SIZES_MIB = list('FILES_BENCH_SIZES_MIB', '1,10').map(Number)
const CONCURRENCY = list('FILES_BENCH_CONCURRENCY', '1,4').map(Number)
const COUNT = Number(process.env.FILES_BENCH_COUNT || 20)
const SCAN_CONCURRENCY = process.env.FILES_BENCH_SCAN_CONCURRENCY || '4'
const OUT_DIR = process.env.BENCH_OUT_DIR || 'bench-results'
const SCAN_TIMEOUT_MS = 120_000

const MiB = (bytes: number) => Math.round(bytes / 2 ** 20 * 10) / 10
const round = (n: number, digits = 1) => Math.round(n * 10 ** digits) / 10 ** digits
const log = (line: string) => console.log(`[files-bench ${new Date().toISOString().slice(11, 19)}] ${line}`)

interface Decided { at: number, status: string, reason: string | null }

/** The uploader's socket: resolves one waiter per file id when its file:updated says available or blocked. */
function scanWatcher(socket: BenchSocket) {
  const waiters = new Map<string, (d: Decided) => void>()
  socket.onEvent = (frame, at) => {
    const file = frame.type === 'file:updated' ? frame.data?.file : undefined
    if (!file || !['available', 'blocked'].includes(file.status)) return
    waiters.get(file.id)?.({ at, status: file.status, reason: file.blockedReason ?? null })
    waiters.delete(file.id)
  }
  return (fileId: string) => new Promise<Decided>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no file:updated for ${fileId} in ${SCAN_TIMEOUT_MS} ms`)), SCAN_TIMEOUT_MS)
    waiters.set(fileId, (d) => {
      clearTimeout(timer)
      resolve(d)
    })
  })
}

async function createFile(api: Api, conversationId: string, name: string, type: string, size: number) {
  const res = await api.post(`/conversations/${conversationId}/files`, { fileName: name, size, mimeType: type })
  if (res.status !== 201) throw new Error(`create file: HTTP ${res.status} ${JSON.stringify(res.body)}`)
  return res.body as { file: { id: string }, upload: { url: string, method: string, headers: Record<string, string> } }
}

async function put(api: Api, upload: { url: string, method: string, headers: Record<string, string> }, bytes: Buffer) {
  const res = await fetch(absolute(upload.url, api.baseURL), { method: upload.method, headers: upload.headers, body: new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.length) })
  if (!res.ok) throw new Error(`PUT: HTTP ${res.status} ${await res.text()}`)
  await res.arrayBuffer()
}

/** create → PUT → complete → file:updated for `bodies`, at most `concurrency` in flight per phase. */
async function uploadAll(api: Api, conversationId: string, type: string, bodies: Buffer[], concurrency: number, decided: (id: string) => Promise<Decided>, rss?: RssSampler) {
  const created = []
  for (const [i, body] of bodies.entries()) created.push(await createFile(api, conversationId, `bench-${i}.${type === 'image/png' ? 'png' : 'txt'}`, type, body.length))
  const pid = rss?.pid
  const cpu0 = pid ? cpuSecondsOf(pid) : undefined
  const putMark = rss?.mark() ?? 0
  const putStart = performance.now()
  const putMs = await mapLimit(created, concurrency, async (c, i) => {
    const t0 = performance.now()
    await put(api, c.upload, bodies[i]!)
    return performance.now() - t0
  })
  const putWallMs = performance.now() - putStart
  const cpu1 = pid ? cpuSecondsOf(pid) : undefined
  const scanMark = rss?.mark() ?? 0
  const scanStart = performance.now()
  const outcomes = await mapLimit(created, concurrency, async (c) => {
    const waiting = decided(c.file.id)
    const t0 = performance.now()
    const done = await api.post(`/files/${c.file.id}/complete`)
    if (done.status !== 200) throw new Error(`complete: HTTP ${done.status} ${JSON.stringify(done.body)}`)
    const d = await waiting
    return { ms: d.at - t0, status: d.status, reason: d.reason }
  })
  const scanWallMs = performance.now() - scanStart
  const cpu2 = pid ? cpuSecondsOf(pid) : undefined
  const appCpuMs = (a?: number, b?: number) => (a === undefined || b === undefined ? null : round((b - a) * 1000 / bodies.length))
  return { putMs, putWallMs, putMark, scanMark, scanWallMs, outcomes, putCpuMsPerFile: appCpuMs(cpu0, cpu1), scanCpuMsPerFile: appCpuMs(cpu1, cpu2) }
}

async function runOne(mode: 'pglite' | 'postgres', clamdSocket: string, type: BenchFileType, sizeMiB: number, concurrency: number) {
  const target = await bootTarget(mode, { ...readBenchConfig(), instances: 1 }, { CLAMAV_SOCKET: clamdSocket, FILE_SCAN_CONCURRENCY: SCAN_CONCURRENCY })
  let socket: BenchSocket | undefined
  let rss: RssSampler | undefined
  try {
    const projectId = await createProject(target.admin, 'files')
    const users: BenchUser[] = await createUsers(target.admin, projectId, 2, 'f')
    const conversationId = await createConversation(target.admin, projectId, 'files bench', users)
    const uploader = users[0]!
    const api = new Api(target.baseURLs[0]!, uploader.token)
    socket = await BenchSocket.connect(target.baseURLs[0]!, uploader.token, uploader.id)
    const decided = scanWatcher(socket)
    // A warm-up file through the whole flow loads the routes, the job worker, sharp and the clamd client first.
    const warm = await benchFile(type, 64 * 1024, 999, 'warm')
    await uploadAll(api, conversationId, type, [warm], 1, decided)

    const tag = randomBytes(3).toString('hex')
    const bodies = await Promise.all(Array.from({ length: COUNT }, (_, i) => benchFile(type, sizeMiB * 2 ** 20, i, tag)))
    const bytes = bodies.reduce((a, b) => a + b.length, 0)
    rss = new RssSampler(target.probe.pids[0]!, 100)
    await sleep(1000)
    const baseline = rss.latest()
    const r = await uploadAll(api, conversationId, type, bodies, concurrency, decided, rss)
    const endMark = rss.mark()
    await sleep(1000)
    const after = rss.latest()
    rss.stop()
    const blocked = r.outcomes.filter(o => o.status !== 'available')
    const peak = Math.max(rss.peak(r.putMark, r.scanMark), rss.peak(r.scanMark, endMark + 1))
    return {
      mode, type, sizeMiB, fileBytes: bodies[0]!.length, files: COUNT, concurrency,
      put: {
        wallSeconds: round(r.putWallMs / 1000, 2), uploadsPerSecond: round(COUNT * 1000 / r.putWallMs), MiBPerSecond: round(MiB(bytes) * 1000 / r.putWallMs),
        latencyMs: summarize(r.putMs), appCpuMsPerFile: r.putCpuMsPerFile
      },
      scan: {
        wallSeconds: round(r.scanWallMs / 1000, 2), scansPerSecond: round(COUNT * 1000 / r.scanWallMs, 2),
        latencyMs: summarize(r.outcomes.map(o => o.ms)), appCpuMsPerFile: r.scanCpuMsPerFile,
        blocked: blocked.map(o => o.reason)
      },
      rssMiB: {
        baseline: MiB(baseline), putPeak: MiB(rss.peak(r.putMark, r.scanMark)), scanPeak: MiB(rss.peak(r.scanMark, endMark + 1)),
        after: MiB(after), peakOverBaseline: MiB(peak - baseline), inFlightMiB: MiB(bodies[0]!.length * concurrency)
      },
      rssSamples: rss.samples.map(([ms, b]) => [ms, MiB(b)])
    }
  } finally {
    rss?.stop()
    await socket?.close()
    await target.teardown()
  }
}

async function main() {
  const startedAt = new Date().toISOString()
  const host = hostInfo()
  const clamd = await startClamd()
  const runs = []
  try {
    for (const mode of MODES) {
      for (const type of TYPES) {
        for (const sizeMiB of SIZES_MIB) {
          for (const concurrency of CONCURRENCY) {
            log(`${mode} ${type} ${sizeMiB} MiB × ${COUNT} at concurrency ${concurrency}`)
            const run = await runOne(mode, clamd.socketPath, type, sizeMiB, concurrency)
            const { put, scan, rssMiB } = run
            log(`  PUT ${put.uploadsPerSecond}/s ${put.MiBPerSecond} MiB/s; scan p50 ${scan.latencyMs?.p50} p95 ${scan.latencyMs?.p95} ms, ${scan.scansPerSecond}/s`
              + `${scan.blocked.length ? `, BLOCKED ${scan.blocked.join(',')}` : ''}; RSS MiB ${rssMiB.baseline} → put ${rssMiB.putPeak} / scan ${rssMiB.scanPeak} → ${rssMiB.after} (+${rssMiB.peakOverBaseline})`)
            runs.push(run)
          }
        }
      }
    }
  } finally {
    await clamd.stop()
  }
  const report = {
    startedAt, finishedAt: new Date().toISOString(), commit: gitCommit(), host: { ...host, loadAvgAtEnd: loadAverage() },
    config: { modes: MODES, types: TYPES, sizesMiB: SIZES_MIB, concurrency: CONCURRENCY, filesPerRun: COUNT, fileScanConcurrency: Number(SCAN_CONCURRENCY), clamd: true, rateLimits: 'off', storage: 'local' },
    runs
  }
  await mkdir(OUT_DIR, { recursive: true })
  const out = join(OUT_DIR, `files-${startedAt.replace(/[:.]/g, '-')}.json`)
  for (const path of [out, join(OUT_DIR, 'files-latest.json')]) {
    await writeFile(`${path}.tmp`, `${JSON.stringify(report, null, 2)}\n`)
    await rename(`${path}.tmp`, path)
  }
  log(`wrote ${out}`)
  if (runs.some(r => r.scan.blocked.length)) process.exitCode = 1
}

main().catch((error) => {
  console.error(error)
  process.exit(1)
})
