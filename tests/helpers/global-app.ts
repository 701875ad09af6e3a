import type { TestProject } from 'vitest/node'
import { startTestStack } from './app-process'
import { startClamd } from './clamd'

declare module 'vitest' {
  export interface ProvidedContext {
    baseURL: string
    dbMode: 'postgres' | 'pglite'
    appEnv: Record<string, string>
  }
}

/** Boots one app for the server suite, on DB_MODE (postgres with Redis, or the embedded PGlite). */
export default async function setup(project: TestProject) {
  const mode = process.env.DB_MODE === 'pglite' ? 'pglite' : 'postgres'
  // Request rate limits are raised so the concurrency tests can burst; tests/server/limits-and-retention.test.ts boots its own app with small ones.
  // A real clamd with a one-signature database (EICAR), so the scan tests exercise the real scanner.
  const clamd = await startClamd()
  const stack = await startTestStack(mode, {
    SENDS_PER_MINUTE: '1000000', SEND_BURST: '1000000', LOGIN_FAILURES_PER_MINUTE: '1000000', LOGIN_FAILURES_PER_IP_PER_HOUR: '1000000', LOGIN_BACKOFF_AFTER: '1000000', WS_SWEEP_MS: '300', WS_TOPIC_LINGER_MS: '2000',
    EDITS_PER_MINUTE: '1000000', REACTIONS_PER_MINUTE: '1000000', CONVERSATIONS_PER_HOUR: '1000000', MEMBER_CHANGES_PER_MINUTE: '1000000',
    CLAMAV_SOCKET: clamd.socketPath
  })
  project.provide('baseURL', stack.app.baseURL)
  project.provide('dbMode', mode)
  project.provide('appEnv', stack.app.env)
  return async () => {
    await stack.teardown()
    await clamd.stop()
  }
}
