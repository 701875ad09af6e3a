import { createHash, randomBytes } from 'node:crypto'
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { useConfig } from './config'

/** Random opaque secret (cookie sessions, invite tokens), and the hash that is stored instead of it. */
export function newSecret(bytes = 32): string {
  return randomBytes(bytes).toString('base64url')
}

export function sha256(value: string): string {
  return createHash('sha256').update(value).digest('hex')
}

/**
 * AUTH_SECRET, or on the embedded default a random key kept in DATA_DIR/<fileName> (created once, 0600), so a
 * single-process install needs no configuration. Several instances must share AUTH_SECRET instead: production
 * with DATABASE_URL refuses to start without it.
 */
export function readOrCreateSecret(fileName: string): string {
  const config = useConfig()
  if (config.authSecret) return config.authSecret
  if (config.databaseUrl && config.production) throw new Error('AUTH_SECRET must be set when DATABASE_URL is set in production')
  const file = join(config.dataDir, fileName)
  if (!existsSync(file)) {
    mkdirSync(config.dataDir, { recursive: true })
    try {
      writeFileSync(file, newSecret(48), { mode: 0o600, flag: 'wx' })
    } catch (error) {
      // Another process created it first: use theirs.
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error
    }
  }
  return readFileSync(file, 'utf8').trim()
}
