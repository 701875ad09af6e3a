import { join, resolve } from 'node:path'

function intEnv(name: string, fallback: number, { positive = false } = {}): number {
  const raw = process.env[name]
  if (raw === undefined || raw === '') return fallback
  const value = Number(raw)
  if (!Number.isFinite(value) || value < 0 || (positive && value === 0)) {
    throw new Error(`${name} must be a ${positive ? 'positive' : 'non-negative'} number, got "${raw}"`)
  }
  return value
}

/** Object storage: local disk under DATA_DIR, or one bucket of an S3-protocol store (fails fast when incomplete). */
function storageConfig() {
  const driver = process.env.STORAGE_DRIVER || 'local'
  if (driver !== 'local' && driver !== 's3') throw new Error(`STORAGE_DRIVER must be local or s3, got "${driver}"`)
  const s3 = {
    bucket: process.env.S3_BUCKET || '',
    endpoint: process.env.S3_ENDPOINT || undefined,
    region: process.env.S3_REGION || 'us-east-1',
    accessKeyId: process.env.S3_ACCESS_KEY_ID || '',
    secretAccessKey: process.env.S3_SECRET_ACCESS_KEY || '',
    forcePathStyle: process.env.S3_FORCE_PATH_STYLE === 'true'
  }
  if (driver === 's3') {
    const missing = ['S3_BUCKET', 'S3_ACCESS_KEY_ID', 'S3_SECRET_ACCESS_KEY'].filter(name => !process.env[name])
    if (missing.length) throw new Error(`STORAGE_DRIVER=s3 needs ${missing.join(', ')}`)
  }
  return { driver: driver as 'local' | 's3', s3 }
}

/** The origin of an absolute http(s) URL, checked at start: links and origin checks use it, so a typo must fail fast. */
function httpOrigin(name: string, raw: string): string {
  const url = URL.canParse(raw) ? new URL(raw) : undefined
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:')) throw new Error(`${name} must be absolute http(s) URLs, got "${raw}"`)
  return url.origin
}

/**
 * Every setting the server reads, from plain env names (documented in the README's configuration table).
 * Nothing else in server/ reads process.env, so this file is the whole list.
 */
export function readConfig() {
  const dataDir = resolve(process.env.DATA_DIR || '.data')
  return {
    production: process.env.NODE_ENV === 'production',
    databaseUrl: process.env.DATABASE_URL || undefined,
    /** Prepared statements on Postgres; `off` behind a pooler in transaction mode that cannot keep them. */
    databasePrepare: process.env.DATABASE_PREPARE !== 'off',
    pgliteDir: resolve(process.env.PGLITE_DIR || join(dataDir, 'pglite')),
    migrationsDir: process.env.MIGRATIONS_DIR || undefined,
    dataDir,
    storage: storageConfig(),
    redisUrl: process.env.REDIS_URL || undefined,
    redisPrefix: process.env.REDIS_PREFIX || 'sb:',
    supabaseUrl: process.env.SUPABASE_URL || undefined,
    supabaseAnonKey: process.env.SUPABASE_ANON_KEY || undefined,
    supabaseJwtSecret: process.env.SUPABASE_JWT_SECRET || undefined,
    authSecret: process.env.AUTH_SECRET || undefined,
    /** The origin of PUBLIC_URL (the app is served from the root of it). */
    publicUrl: process.env.PUBLIC_URL ? httpOrigin('PUBLIC_URL', process.env.PUBLIC_URL) : undefined,
    /** Where Nitro listens (its own PORT / NITRO_PORT), for links when neither PUBLIC_URL nor ALLOWED_ORIGINS is set. */
    port: intEnv('PORT', intEnv('NITRO_PORT', 3000)),
    allowedOrigins: (process.env.ALLOWED_ORIGINS || '').split(',').map(s => s.trim()).filter(Boolean).map(o => httpOrigin('ALLOWED_ORIGINS', o)),
    tokenTtlSeconds: intEnv('TOKEN_TTL_SECONDS', 900),
    sessionTtlDays: intEnv('SESSION_TTL_DAYS', 30),
    rateLimitsOff: process.env.RATE_LIMITS === 'off',
    trustProxy: process.env.TRUST_PROXY === 'true',
    // Plain-http test and dev set-ups only: production cookies are Secure otherwise.
    insecureCookies: Boolean(process.env.INSECURE_COOKIES),
    logLevel: process.env.LOG_LEVEL || 'info',
    logFormat: (process.env.LOG_FORMAT || (process.env.NODE_ENV === 'production' ? 'json' : 'pretty')) as 'json' | 'pretty',
    limits: {
      messageMaxChars: intEnv('MESSAGE_MAX_CHARS', 5000),
      sendsPerMinute: intEnv('SENDS_PER_MINUTE', 30),
      sendBurst: intEnv('SEND_BURST', 10),
      loginFailuresPerMinute: intEnv('LOGIN_FAILURES_PER_MINUTE', 10),
      /** Failed sign-ins from one IP across all emails (password spraying). */
      loginFailuresPerIpPerHour: intEnv('LOGIN_FAILURES_PER_IP_PER_HOUR', 100),
      /** Consecutive failures on one account, from anywhere, before each next one blocks it 1 s, 2 s, 4 s, … */
      loginBackoffAfter: intEnv('LOGIN_BACKOFF_AFTER', 5),
      loginBackoffMaxSeconds: intEnv('LOGIN_BACKOFF_MAX_SECONDS', 900, { positive: true }),
      searchesPerMinute: intEnv('SEARCHES_PER_MINUTE', 10),
      // Budgets of the other broadcasts a user can trigger (each one reaches every member of a conversation).
      editsPerMinute: intEnv('EDITS_PER_MINUTE', 30),
      reactionsPerMinute: intEnv('REACTIONS_PER_MINUTE', 60),
      conversationsPerHour: intEnv('CONVERSATIONS_PER_HOUR', 60),
      memberChangesPerMinute: intEnv('MEMBER_CHANGES_PER_MINUTE', 30),
      /** Distinct emoji on one message, and distinct emoji one user puts on one message (size limits: always on). */
      reactionEmojiPerMessage: intEnv('REACTION_EMOJI_PER_MESSAGE', 20, { positive: true }),
      reactionsPerUserPerMessage: intEnv('REACTIONS_PER_USER_PER_MESSAGE', 10, { positive: true }),
      uploadsPerHour: intEnv('UPLOADS_PER_HOUR', 50),
      fileMaxBytes: intEnv('FILE_MAX_BYTES', 10 * 1024 * 1024),
      socketsPerUser: intEnv('SOCKETS_PER_USER', 8),
      uploadUrlTtlSeconds: intEnv('UPLOAD_URL_TTL_SECONDS', 600),
      downloadUrlTtlSeconds: intEnv('DOWNLOAD_URL_TTL_SECONDS', 300)
    },
    files: {
      /** How often expired uploads are removed and stuck scans re-queued, once per interval across instances. */
      sweepSeconds: intEnv('FILE_SWEEP_SECONDS', 60, { positive: true }),
      /** How long after its signed URL expires an upload that never completed is kept (a PUT may still be finishing). */
      uploadGraceSeconds: intEnv('FILE_UPLOAD_GRACE_SECONDS', 60),
      /** A completed file still pending_scan after this long gets its scan queued again. */
      rescanAfterSeconds: intEnv('FILE_RESCAN_AFTER_SECONDS', 120, { positive: true }),
      /** Scans run at once per instance (each streams one file; clamd and sharp do the CPU work). */
      scanConcurrency: intEnv('FILE_SCAN_CONCURRENCY', 2, { positive: true })
    },
    writes: {
      /** Most sends committed together in one statement (group commit); 0 commits every send on its own. */
      sendBatchMax: intEnv('SEND_BATCH_MAX', 256),
      /** Batches written at once, on as many pooled connections, never two with the same conversation. */
      sendBatchesInFlight: intEnv('SEND_BATCHES_IN_FLIGHT', 4, { positive: true }),
      /**
       * How long an instance trusts a sender's access to a conversation without asking the database again. Only a
       * hint: the batch statement checks participation itself, and a refused send is checked afresh. 0 = off.
       */
      sendAccessCacheMs: intEnv('SEND_ACCESS_CACHE_MS', 10_000)
    },
    eventRetentionSeconds: intEnv('EVENT_RETENTION_SECONDS', 30 * 86_400),
    eventPruneIntervalSeconds: intEnv('EVENT_PRUNE_INTERVAL_SECONDS', 3600, { positive: true }),
    analytics: {
      /** How often the analytics views are refreshed, once per interval across all instances (1 s to 12 h). */
      refreshSeconds: intEnv('ANALYTICS_REFRESH_SECONDS', 300, { positive: true }),
      /** Quiet hours after a staff reply before a client's next message starts a new thread. */
      firstResponseGapHours: intEnv('FIRST_RESPONSE_GAP_HOURS', 4, { positive: true })
    },
    presenceTtlSeconds: intEnv('PRESENCE_TTL_SECONDS', 60, { positive: true }),
    realtime: {
      heartbeatMs: intEnv('WS_HEARTBEAT_MS', 25_000, { positive: true }),
      /** How long an out-of-order event waits for the ones before it before they are read from the database. */
      gapWaitMs: intEnv('WS_GAP_WAIT_MS', 150),
      /** Buffered bytes past which ephemeral events are dropped for a socket, and past which it is closed. */
      softBufferBytes: intEnv('WS_SOFT_BUFFER_BYTES', 256 * 1024),
      hardBufferBytes: intEnv('WS_HARD_BUFFER_BYTES', 4 * 1024 * 1024),
      /** A socket closed for being too slow must read some of its backlog this often, or its connection is dropped. */
      slowCloseGraceMs: intEnv('WS_SLOW_CLOSE_GRACE_MS', 5000, { positive: true }),
      sweepMs: intEnv('WS_SWEEP_MS', 10_000, { positive: true }),
      idleMs: intEnv('WS_IDLE_MS', 60_000, { positive: true }),
      /** Presence changes a client asks for are announced at most once per window per user (the last state wins). */
      presenceCoalesceMs: intEnv('PRESENCE_COALESCE_MS', 1000, { positive: true }),
      /** A user's read receipts for one conversation are broadcast at most once per window (the furthest mark wins). */
      readCoalesceMs: intEnv('READ_COALESCE_MS', 1000, { positive: true }),
      /** How long a bus channel no local socket follows stays subscribed, for the next socket that wants it (0: none). */
      topicLingerMs: intEnv('WS_TOPIC_LINGER_MS', 30_000),
      /** Socket openings after which the next quiet second gets a compaction, three full collections (0: never). */
      compactAfterSockets: intEnv('WS_COMPACT_AFTER_SOCKETS', 1000)
    },
    // ClamAV's clamd, spoken to over INSTREAM (server/adapters/scanner). Neither socket nor host → no virus scan.
    scanner: {
      socketPath: process.env.CLAMAV_SOCKET || undefined,
      host: process.env.CLAMAV_HOST || undefined,
      port: intEnv('CLAMAV_PORT', 3310, { positive: true }),
      timeoutMs: intEnv('CLAMAV_TIMEOUT_MS', 30_000, { positive: true })
    },
    seed: {
      adminEmail: process.env.SEED_ADMIN_EMAIL,
      adminPassword: process.env.SEED_ADMIN_PASSWORD,
      analystEmail: process.env.SEED_ANALYST_EMAIL,
      analystPassword: process.env.SEED_ANALYST_PASSWORD,
      demo: process.env.SEED_DEMO
    }
  }
}

export type AppConfig = ReturnType<typeof readConfig>

let cached: AppConfig | undefined
export function useConfig(): AppConfig {
  cached ??= readConfig()
  return cached
}
