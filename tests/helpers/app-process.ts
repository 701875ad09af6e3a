import { spawn } from 'node:child_process'
import type { ChildProcess } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { existsSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import postgres from 'postgres'
import { Redis } from 'ioredis'

export const ADMIN = { email: 'admin@test.local', password: 'admin-password-123' }
export const ANALYST = { email: 'analyst@test.local', password: 'analyst-password-123' }

const PG_BASE = process.env.TEST_PG_URL || 'postgres://postgres@127.0.0.1:5432/test'
const REDIS_URL = process.env.TEST_REDIS_URL || 'redis://127.0.0.1:6379'

export async function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const srv = createServer()
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as { port: number }).port
      srv.close(() => res(port))
    })
    srv.on('error', rej)
  })
}

/** A fresh database of its own on the real Postgres server; dropped by the returned function. */
export async function createTestDatabase(): Promise<{ url: string, drop: () => Promise<void> }> {
  const name = `sb_test_${process.pid}_${randomBytes(4).toString('hex')}`
  const admin = postgres(PG_BASE, { max: 1, onnotice: () => {} })
  await admin.unsafe(`create database ${name}`)
  await admin.end()
  const url = new URL(PG_BASE)
  url.pathname = `/${name}`
  return {
    url: url.toString(),
    async drop() {
      const a = postgres(PG_BASE, { max: 1, onnotice: () => {} })
      await a.unsafe(`drop database if exists ${name} with (force)`)
      await a.end()
    }
  }
}

export interface AppProcess {
  baseURL: string
  port: number
  mode: 'postgres' | 'pglite'
  env: Record<string, string>
  child: ChildProcess
  output: () => string
  stop: (signal?: NodeJS.Signals) => Promise<void>
}

// SB_BUILD_DIR: the same variable nuxt.config.ts reads, so a test run uses the build it made.
const SERVER_ENTRY = resolve(process.env.SB_BUILD_DIR ? `${process.env.SB_BUILD_DIR}/.output` : '.output', 'server/index.mjs')
// SB_APP_NODE_FLAGS: node flags for the booted app, e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof` to profile a bench
// (node refuses profiling flags in NODE_OPTIONS).
const NODE_FLAGS = (process.env.SB_APP_NODE_FLAGS || '').split(' ').filter(Boolean)

/** Boots the built app (.output) as a child process and waits until /api/health answers 200. */
export async function startApp(env: Record<string, string>, mode: 'postgres' | 'pglite'): Promise<AppProcess> {
  if (!existsSync(SERVER_ENTRY)) throw new Error('Build the app first: npx nuxt build')
  const port = await freePort()
  let log = ''
  const child = spawn(process.execPath, [...NODE_FLAGS, SERVER_ENTRY], {
    env: { PATH: process.env.PATH ?? '', NODE_ENV: 'production', INSECURE_COOKIES: '1', PORT: String(port), HOST: '127.0.0.1', ...env },
    stdio: ['ignore', 'pipe', 'pipe']
  })
  const collect = (d: Buffer) => {
    log += d
  }
  child.stdout!.on('data', collect)
  child.stderr!.on('data', collect)
  const baseURL = `http://127.0.0.1:${port}`
  const exited = new Promise<void>(res => child.once('exit', () => res()))
  const deadline = Date.now() + 60_000
  for (;;) {
    if (child.exitCode !== null) throw new Error(`app exited during start-up:\n${log}`)
    try {
      const res = await fetch(`${baseURL}/api/health`)
      if (res.ok) break
    } catch { /* not listening yet */ }
    if (Date.now() > deadline) {
      child.kill('SIGKILL')
      throw new Error(`app did not become healthy:\n${log}`)
    }
    await new Promise(r => setTimeout(r, 100))
  }
  return {
    baseURL, port, mode, env, child,
    output: () => log,
    async stop(signal = 'SIGTERM') {
      if (child.exitCode === null) {
        child.kill(signal)
        await exited
      }
    }
  }
}

export interface TestStack { app: AppProcess, teardown: () => Promise<void> }

/**
 * One app with its own database (Postgres + Redis prefix, or a temp PGlite dir). `beforeStart` gets the app's
 * env before it boots: the only moment a test can write rows straight into PGlite, which the app then owns.
 */
export async function startTestStack(mode: 'postgres' | 'pglite', extraEnv: Record<string, string> = {},
  beforeStart?: (env: Record<string, string>) => Promise<void>): Promise<TestStack> {
  const dataDir = await mkdtemp(join(tmpdir(), 'sb-test-'))
  const prefix = `sbtest:${randomBytes(4).toString('hex')}:`
  const env: Record<string, string> = {
    DATA_DIR: dataDir,
    AUTH_SECRET: randomBytes(32).toString('hex'),
    SEED_ADMIN_EMAIL: ADMIN.email,
    SEED_ADMIN_PASSWORD: ADMIN.password,
    SEED_ANALYST_EMAIL: ANALYST.email,
    SEED_ANALYST_PASSWORD: ANALYST.password,
    SEED_DEMO: 'false',
    ...extraEnv
  }
  let drop = async () => {}
  if (mode === 'postgres') {
    const db = await createTestDatabase()
    env.DATABASE_URL = db.url
    env.REDIS_URL = REDIS_URL
    env.REDIS_PREFIX = prefix
    drop = db.drop
  }
  const cleanUp = async () => {
    await drop()
    await rm(dataDir, { recursive: true, force: true })
    if (mode === 'postgres') {
      const redis = new Redis(REDIS_URL)
      const keys = await redis.keys(`${prefix}*`)
      if (keys.length) await redis.del(...keys)
      await redis.quit()
    }
  }
  let app: AppProcess
  try {
    await beforeStart?.(env)
    app = await startApp(env, mode)
  } catch (error) {
    // A boot that fails (no build, a bad setting) must not leave its database and keys behind.
    await cleanUp()
    throw error
  }
  return {
    app,
    async teardown() {
      await app.stop()
      await cleanUp()
    }
  }
}
