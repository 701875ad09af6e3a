import { spawn } from 'node:child_process'
import type { ChildProcess } from 'node:child_process'
import { tmpdir } from 'node:os'
import { Redis } from 'ioredis'
import { Api, createProjectFixture, signIn } from '../helpers/api'
import type { Actor, ProjectFixture } from '../helpers/api'
import { ADMIN, freePort, startApp, startTestStack } from '../helpers/app-process'
import type { AppProcess, TestStack } from '../helpers/app-process'

export interface Cluster {
  stack: TestStack
  a: AppProcess
  b: AppProcess
  admin: Actor
  teardown: () => Promise<void>
}

export const CLUSTER_ENV = { RATE_LIMITS: 'off', WS_SWEEP_MS: '300' }

/**
 * Two app processes of one cluster: the stack's app (A) and a second one (B) on another port with the same
 * database, Redis, prefix and secret. `override` replaces env of both (e.g. a private REDIS_URL).
 */
export async function startCluster(extraEnv: Record<string, string> = {}, override: Record<string, string> = {}): Promise<Cluster> {
  const stack = await startTestStack('postgres', { ...CLUSTER_ENV, ...extraEnv })
  let a = stack.app
  let b: AppProcess | undefined
  try {
    if (Object.keys(override).length) {
      // startTestStack pins REDIS_URL; reboot A with the override (the database is already migrated and seeded).
      await a.stop()
      a = await startApp({ ...stack.app.env, ...override }, 'postgres')
    }
    b = await startApp({ ...a.env }, 'postgres')
    const admin = await signIn(a.baseURL, ADMIN.email, ADMIN.password)
    const first = a
    const second = b
    return {
      stack, a, b, admin,
      async teardown() {
        await second.stop()
        await first.stop()
        await stack.teardown()
      }
    }
  } catch (error) {
    await b?.stop()
    await a.stop()
    await stack.teardown()
    throw error
  }
}

/** The same actor, talking to another instance. */
export const on = (app: AppProcess, actor: Actor): Actor => ({ ...actor, api: new Api(app.baseURL, actor.token) })

export async function createConversation(f: ProjectFixture, participants: Actor[], title = 'Cluster'): Promise<string> {
  const res = await f.staff.api.post(`/projects/${f.project.id}/conversations`, { title, kind: 'group', participantIds: participants.map(p => p.user.id) })
  if (res.status !== 201) throw new Error(`create conversation failed: ${res.status} ${JSON.stringify(res.body)}`)
  return res.body.conversation.id
}

export { createProjectFixture }

/** Polls until the condition holds (or returns a truthy value); fails with the description after the deadline. */
export async function waitFor<T>(condition: () => T | Promise<T>, description: string, timeoutMs = 30_000, intervalMs = 25): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const value = await condition()
    if (value) return value as NonNullable<T>
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${description}`)
    await new Promise(r => setTimeout(r, intervalMs))
  }
}

export interface StoredMessage { id: string, seq: number, senderId: string, clientId: string, content: string | null }

/** The conversation's whole message history, paged through with `after=`. */
export async function fetchHistory(api: Api, conversationId: string): Promise<StoredMessage[]> {
  const all: StoredMessage[] = []
  let after = 0
  for (;;) {
    const page = await api.get(`/conversations/${conversationId}/messages?after=${after}&limit=100`)
    if (page.status !== 200) throw new Error(`history failed: ${page.status} ${JSON.stringify(page.body)}`)
    all.push(...page.body.messages)
    if (!page.body.hasMore) return all
    after = all.at(-1)!.seq
  }
}

export const range = (from: number, to: number) => Array.from({ length: Math.max(0, to - from + 1) }, (_, i) => from + i)

export interface PrivateRedis {
  url: string
  port: number
  /** SIGKILL: an outage with no goodbye, as a crashed or partitioned Redis looks to its clients. */
  kill: () => Promise<void>
  start: () => Promise<void>
  stop: () => Promise<void>
}

/** A redis-server child of this test on a free port, so it can really go down without touching shared services. */
export async function startPrivateRedis(): Promise<PrivateRedis> {
  const port = await freePort()
  let child: ChildProcess | undefined
  let exited: Promise<void> = Promise.resolve()
  const kill = async () => {
    if (child && child.exitCode === null && child.signalCode === null) {
      child.kill('SIGKILL')
      await exited
    }
  }
  const start = async () => {
    child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', tmpdir(), '--daemonize', 'no'], { stdio: 'ignore' })
    const current = child
    exited = new Promise(res => current.once('exit', () => res()))
    await waitFor(async () => {
      if (current.exitCode !== null) throw new Error(`redis-server on ${port} exited with ${current.exitCode}`)
      const probe = new Redis(port, '127.0.0.1', { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null })
      probe.on('error', () => {})
      try {
        await probe.connect()
        return (await probe.ping()) === 'PONG'
      } catch {
        return false
      } finally {
        probe.disconnect()
      }
    }, `redis-server on port ${port}`, 10_000, 50)
  }
  await start()
  return { url: `redis://127.0.0.1:${port}`, port, kill, start, stop: kill }
}
