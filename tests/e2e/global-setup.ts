import { mkdir, writeFile } from 'node:fs/promises'
import { startTestStack } from '../helpers/app-process'

/**
 * Boots the built app once for the whole run (embedded PGlite, temp DATA_DIR, seeded admin) and hands
 * its URL to the workers through the environment, which they inherit. Set SB_E2E_BASE_URL to test a
 * server that is already running instead.
 */
export default async function globalSetup() {
  if (process.env.SB_E2E_BASE_URL) return
  // Browser tests sign in and post in bursts; rate limits have their own server tests.
  const stack = await startTestStack('pglite', { RATE_LIMITS: 'off' })
  process.env.SB_E2E_BASE_URL = stack.app.baseURL
  return async () => {
    // The server's own log, for failures that only show up as a 500 in the browser.
    await mkdir('test-results', { recursive: true })
    await writeFile('test-results/e2e-app.log', stack.app.output())
    await stack.teardown()
  }
}
