import { fileURLToPath } from 'node:url'
import { defineConfig } from 'vitest/config'

// Two projects: `unit` (pure domain rules and adapters) and `server` (HTTP + WS against the built app,
// run once with DB_MODE=postgres and once with DB_MODE=pglite by scripts/test-all.sh).
export default defineConfig({
  test: {
    projects: [
      {
        // app/ imports shared/ as Nuxt does (`#shared/…`): a relative value import does not survive the SSR bundle.
        resolve: { alias: { '#shared': fileURLToPath(new URL('./shared', import.meta.url)) } },
        test: {
          name: 'unit',
          include: ['tests/unit/**/*.test.ts'],
          environment: 'node'
        }
      },
      {
        // Adapters against the real services: Redis (unique key prefix per run), local disk in temp dirs.
        test: {
          name: 'adapters',
          include: ['tests/adapters/**/*.test.ts'],
          environment: 'node',
          testTimeout: 20_000
        }
      },
      {
        test: {
          name: 'server',
          include: ['tests/server/**/*.test.ts'],
          environment: 'node',
          globalSetup: ['tests/helpers/global-app.ts'],
          testTimeout: 30_000,
          hookTimeout: 60_000,
          // Files share one booted app; each creates its own projects and users.
          fileParallelism: true
        }
      },
      {
        // Several app instances sharing Postgres and Redis, and what happens when one dies or Redis restarts.
        test: {
          name: 'cluster',
          include: ['tests/cluster/**/*.test.ts'],
          environment: 'node',
          testTimeout: 120_000,
          hookTimeout: 120_000,
          fileParallelism: false
        }
      }
    ]
  }
})
