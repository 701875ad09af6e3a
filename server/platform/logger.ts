import { createConsola } from 'consola'
import type { ConsolaReporter, LogObject } from 'consola'
import { useConfig } from './config'

/** Context fields every line may carry; anything else is a plain value or an Error. */
export interface LogFields {
  requestId?: string
  userId?: string
  route?: string
  [key: string]: unknown
}

export interface Logger {
  debug(message: string, fields?: LogFields): void
  info(message: string, fields?: LogFields): void
  warn(message: string, fields?: LogFields): void
  error(message: string, fields?: LogFields): void
  /** The same logger with fields added to every line (a request's id, user and route). */
  child(fields: LogFields): Logger
}

// Never written, whatever a caller passes: credentials and message bodies (brief: "secrets and message bodies never logged").
const REDACTED = /pass(word)?|secret|token|authorization|cookie|content|body/i

function clean(fields: LogFields): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  for (const [key, value] of Object.entries(fields)) {
    if (value === undefined) continue
    if (REDACTED.test(key)) out[key] = '[redacted]'
    else if (value instanceof Error) out[key] = { name: value.name, message: value.message, code: (value as { code?: unknown }).code, stack: value.stack }
    else out[key] = value
  }
  return out
}

// One JSON object per line in production (log shippers parse it); consola's own reporter for people otherwise.
const jsonReporter: ConsolaReporter = {
  log(entry: LogObject) {
    const [message, fields] = entry.args as [string, Record<string, unknown> | undefined]
    const line = JSON.stringify({ time: entry.date.toISOString(), level: entry.type, msg: message, ...fields })
    ;(entry.level <= 1 ? process.stderr : process.stdout).write(`${line}\n`)
  }
}

const LEVELS: Record<string, number> = { silent: -999, error: 0, warn: 1, info: 3, debug: 4 }

function wrap(base: ReturnType<typeof createConsola>, context: LogFields): Logger {
  const emit = (type: 'debug' | 'info' | 'warn' | 'error') => (message: string, fields: LogFields = {}) => {
    const all = clean({ ...context, ...fields })
    if (useConfig().logFormat === 'json') base[type](message, all)
    else base[type](message, ...(Object.keys(all).length ? [all] : []))
  }
  return {
    debug: emit('debug'),
    info: emit('info'),
    warn: emit('warn'),
    error: emit('error'),
    child: fields => wrap(base, { ...context, ...fields })
  }
}

let root: Logger | undefined

/** The server's logger (consola): LOG_LEVEL and LOG_FORMAT=json|pretty; no bare console.* in server code. */
export function useLogger(): Logger {
  if (root) return root
  const config = useConfig()
  const base = createConsola({
    level: LEVELS[config.logLevel] ?? 3,
    ...(config.logFormat === 'json' ? { reporters: [jsonReporter] } : {})
  }).withTag('switchboard')
  root = wrap(base, {})
  return root
}
