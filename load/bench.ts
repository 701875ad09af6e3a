// `npm run bench`: boots the built app (or uses BENCH_URL), runs the scenarios of docs/operations.md#benchmark
// and writes bench-results/<timestamp>.json and bench-results/latest.json.
import { readBenchConfig } from './lib/config'
import type { BenchConfig } from './lib/config'
import { addMembers, createProject, createUsers } from './lib/fixtures'
import type { BenchUser } from './lib/fixtures'
import { gitCommit, hostInfo, loadAverage, summaryLines, writeReport } from './lib/report'
import type { BenchReport, RunResult } from './lib/report'
import { runFanout } from './lib/scenario-fanout'
import { runIdle } from './lib/scenario-idle'
import { runSenders } from './lib/scenario-senders'
import { bootTarget, externalTarget } from './lib/target'
import type { Target } from './lib/target'

const log = (line: string) => console.log(`[bench ${new Date().toISOString().slice(11, 19)}] ${line}`)

/** Fills `result` as it goes, so a failure late in the run still reports the scenarios that finished. */
async function runAll(target: Target, config: BenchConfig, result: RunResult) {
  const setupStart = performance.now()
  const perUser = Math.min(config.socketsPerUser, target.socketsPerUser)
  const chatters = Math.max(0, ...(config.scenarios.has('fanout') ? config.fanoutSizes : []), config.scenarios.has('senders') ? config.senders : 0)

  // Idle users live in projects of BENCH_IDLE_PROJECT_SIZE: presence is announced to everyone sharing a project.
  const idleUsers: BenchUser[] = []
  if (config.scenarios.has('idle')) {
    const needed = Math.ceil(config.sockets / perUser)
    log(`set-up: ${needed} idle users in projects of ${config.idleProjectSize}`)
    for (let made = 0; made < needed; made += config.idleProjectSize) {
      const projectId = await createProject(target.admin, 'idle')
      idleUsers.push(...await createUsers(target.admin, projectId, Math.min(config.idleProjectSize, needed - made), `i${made}`))
    }
  }
  result.setupSeconds = Math.round((performance.now() - setupStart) / 100) / 10

  if (config.scenarios.has('idle')) {
    log(`idle: opening ${config.sockets} sockets`)
    result.idle = await runIdle(target, config, idleUsers)
  }
  if (chatters === 0) return

  // Chatters reuse the idle accounts (scrypt sign-ups are the slow part of the set-up), joining the chat
  // project only now, so their presence did not reach it during the idle scenario.
  const chatStart = performance.now()
  const chatProject = await createProject(target.admin, 'chat')
  const chatUsers = idleUsers.slice(0, chatters)
  await addMembers(target.admin, chatProject, chatUsers)
  if (chatUsers.length < chatters) {
    log(`set-up: ${chatters - chatUsers.length} chat users`)
    chatUsers.push(...await createUsers(target.admin, chatProject, chatters - chatUsers.length, 'c'))
  }
  result.setupSeconds = Math.round((result.setupSeconds + (performance.now() - chatStart) / 1000) * 10) / 10

  if (config.scenarios.has('fanout')) {
    result.fanout = []
    for (const size of config.fanoutSizes) {
      log(`fan-out: ${size} members, ${config.fanoutRate} msg/s for ${config.fanoutSeconds} s`)
      result.fanout.push(await runFanout(target, config, chatUsers, chatProject, size))
    }
  }
  if (config.scenarios.has('senders')) {
    log(`senders: ${config.senders} × ${config.senderMessages} into ${config.senderConversations} conversations`)
    result.senders = await runSenders(target, config, chatUsers, chatProject)
  }
}

async function main() {
  const config = readBenchConfig()
  const report: BenchReport = {
    startedAt: new Date().toISOString(),
    finishedAt: '',
    commit: gitCommit(),
    host: hostInfo(),
    config: { ...config, scenarios: [...config.scenarios], adminPassword: config.adminPassword ? '***' : undefined },
    runs: []
  }
  const targets = config.url ? ['external' as const] : config.modes
  let teardown: (() => Promise<void>) | undefined
  // Ctrl-C still drops the bench database, Redis keys and temp dir.
  process.once('SIGINT', () => {
    log('interrupted: tearing down')
    void (teardown?.() ?? Promise.resolve()).finally(() => process.exit(130))
  })
  for (const mode of targets) {
    log(mode === 'external' ? `target ${config.url}` : `booting ${mode}${mode === 'postgres' && config.instances > 1 ? ` ×${config.instances}` : ''}`)
    const target = mode === 'external' ? await externalTarget(config) : await bootTarget(mode, config)
    teardown = target.teardown
    log(`${target.label}: ${target.where}`)
    const result: RunResult = { target: target.label, instances: target.baseURLs.length, setupSeconds: 0 }
    report.runs.push(result)
    try {
      await runAll(target, config, result)
    } catch (error) {
      log(`${target.label} failed: ${(error as Error).stack}`)
      result.error = (error as Error).message
    } finally {
      await target.teardown()
      teardown = undefined
    }
  }
  report.finishedAt = new Date().toISOString()
  report.host.loadAvgAtEnd = loadAverage()
  const file = await writeReport(config.outDir, report)
  console.log(summaryLines(report).join('\n'))
  log(`wrote ${file} and ${config.outDir}/latest.json`)
  if (report.runs.some(r => r.error)) process.exitCode = 1
}

main().catch((error) => {
  console.error(error)
  process.exit(1)
})
