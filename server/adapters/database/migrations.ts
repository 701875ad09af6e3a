import { existsSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'

/** Finds the drizzle/ folder: MIGRATIONS_DIR, the repo root, or next to .output/server (copied there at build). */
export function findMigrationsFolder(override?: string): string {
  const candidates = [
    override,
    resolve('drizzle'),
    process.argv[1] ? join(dirname(process.argv[1]), 'drizzle') : undefined
  ].filter((c): c is string => Boolean(c))
  const found = candidates.find(c => existsSync(join(c, 'meta', '_journal.json')))
  if (!found) throw new Error(`migrations folder not found (looked in ${candidates.join(', ')})`)
  return found
}
