import { and, desc, eq, sql } from 'drizzle-orm'
import { conversations, exportRuns, projects, users } from '#server/db/schema'
import { useDb } from '#server/adapters/database/use-database'
import type { Executor } from '#server/adapters/database/database'
import { isUniqueViolation } from '#server/adapters/database/errors'
import { conflict, notFound } from '#server/platform/errors'
import { afterCursor, encodeCursor } from '../paging'

export type ExportOutcome = 'completed' | 'failed' | 'abandoned'

type RunRow = typeof exportRuns.$inferSelect

export interface NewRun {
  id?: string
  actorId: string
  scope: 'conversation' | 'project'
  targetId: string
  projectId: string
  format: string
  parameters: { from: string | null, to: string | null }
  messagesTotal: number
  filesTotal: number
}

/** Inserts the run in the caller's transaction (beside the audit row); a reused `exportId` is a 409. */
export async function insertRun(tx: Executor, run: NewRun): Promise<string> {
  try {
    const [row] = await tx.insert(exportRuns).values(run).returning({ id: exportRuns.id })
    return row!.id
  } catch (error) {
    if (isUniqueViolation(error)) throw conflict('This export id has been used already')
    throw error
  }
}

// Often enough for a smooth bar, rare enough that a 200 000-message export writes the row a few dozen times.
const FLUSH_EVERY_MS = 250

/**
 * Counts what an export has written and saves it to its run row at most every FLUSH_EVERY_MS, off the stream's
 * path: the stream never waits for these writes, and a failed progress write only costs a stale bar.
 */
export class ExportProgress {
  private messages = 0
  private files = 0
  private bytes = 0
  private lastFlush = 0
  private pending: Promise<void> = Promise.resolve()
  private finished = false

  constructor(readonly runId: string) {}

  addMessages(n: number) {
    this.messages += n
    this.maybeFlush()
  }

  addFile() {
    this.files += 1
    this.maybeFlush()
  }

  addBytes(n: number) {
    this.bytes += n
    this.maybeFlush()
  }

  private maybeFlush() {
    const now = Date.now()
    if (this.finished || now - this.lastFlush < FLUSH_EVERY_MS) return
    this.lastFlush = now
    this.pending = this.pending.then(() => this.write({})).catch(() => {})
  }

  private async write(extra: Partial<Pick<RunRow, 'status' | 'finishedAt'>>) {
    const db = await useDb()
    await db.update(exportRuns)
      .set({ messagesWritten: this.messages, filesWritten: this.files, bytesWritten: this.bytes, ...extra })
      .where(eq(exportRuns.id, this.runId))
  }

  /** The final write: the counts and how the export ended. Waits for any progress write still in flight. */
  async finish(outcome: ExportOutcome) {
    if (this.finished) return
    this.finished = true
    await this.pending
    await this.write({ status: outcome, finishedAt: new Date() })
  }
}

// What the run exported, by name: the conversation's title or the project's name (they may change later).
const targetName = sql<string | null>`coalesce(
  (select ${conversations.title} from ${conversations} where ${conversations.id} = ${exportRuns.targetId} and ${exportRuns.scope} = 'conversation'),
  (select ${projects.name} from ${projects} where ${projects.id} = ${exportRuns.targetId} and ${exportRuns.scope} = 'project'))`

function toRun(row: RunRow, actorName: string | null, name: string | null) {
  return {
    id: row.id,
    scope: row.scope as 'conversation' | 'project',
    targetId: row.targetId,
    targetName: name,
    projectId: row.projectId,
    format: row.format,
    parameters: row.parameters,
    status: row.status as 'running' | ExportOutcome,
    messagesTotal: row.messagesTotal,
    messagesWritten: row.messagesWritten,
    filesTotal: row.filesTotal,
    filesWritten: row.filesWritten,
    bytesWritten: row.bytesWritten,
    actor: { id: row.actorId, displayName: actorName },
    startedAt: row.startedAt.toISOString(),
    finishedAt: row.finishedAt?.toISOString() ?? null
  }
}

export type ExportRun = ReturnType<typeof toRun>

/** GET /admin/exports/:id: one run, for the progress bar. */
export async function getRun(id: string): Promise<ExportRun> {
  const db = await useDb()
  const [row] = await db.select({ run: exportRuns, actorName: users.displayName, targetName })
    .from(exportRuns).innerJoin(users, eq(users.id, exportRuns.actorId)).where(eq(exportRuns.id, id))
  if (!row) throw notFound('Export not found')
  return toRun(row.run, row.actorName, row.targetName)
}

/** GET /admin/exports: every admin's exports, newest first, keyset-paged like the other admin lists. */
export async function listRuns(filters: { cursor?: string, limit: number, targetId?: string }) {
  const db = await useDb()
  const rows = await db.select({ run: exportRuns, actorName: users.displayName, targetName })
    .from(exportRuns).innerJoin(users, eq(users.id, exportRuns.actorId))
    .where(and(
      filters.targetId ? eq(exportRuns.targetId, filters.targetId) : undefined,
      afterCursor(filters.cursor, { createdAt: exportRuns.startedAt, id: exportRuns.id })
    ))
    .orderBy(desc(exportRuns.startedAt), desc(exportRuns.id)).limit(filters.limit + 1)
  const page = rows.slice(0, filters.limit)
  const last = page.at(-1)?.run
  return {
    exports: page.map(r => toRun(r.run, r.actorName, r.targetName)),
    nextCursor: rows.length > filters.limit && last ? encodeCursor({ createdAt: last.startedAt, id: last.id }) : null
  }
}
