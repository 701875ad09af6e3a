import type { Message } from '../../../shared/types'
import type { messages } from '../../db/schema'
import { useDatabaseHandle } from '../../adapters/database/use-database'
import { useConfig } from '../../platform/config'
import { useLogger } from '../../platform/logger'
import type { AuthUser } from '../auth/users'
import { publishPersisted } from '../events/publish'
import { toMessage } from './views'

/**
 * Group commit for sends (docs/architecture.md, "The write path"). Sends that arrive while a batch is being
 * written wait for the next one, and each batch is ONE statement: it takes every conversation's seqs under its
 * row lock, inserts the messages and appends their events, so one round trip and one COMMIT serve the batch.
 * Guarantees are those of the one-at-a-time path:
 * - the ack (the promise) settles only after the statement committed;
 * - seqs stay gap-free: the statement is all or nothing, and refuses itself (send_batch_guard, migration 0007)
 *   when any row would not be written (a clientId already used, a conversation no longer active, a sender no
 *   longer a participant or a client in an announcement: the sender's access may come from a cache);
 * - a refused or failed batch never fails its sends: a send that was already committed (a retry) and one refused
 *   twice are committed on their own (`undefined` here tells the caller to), where a duplicate gets the original
 *   and a locked conversation its 423; the others are batched once more (splitRefused).
 * Up to SEND_BATCHES_IN_FLIGHT batches are written at once (on separate pooled connections), never two with the
 * same conversation, so batches of one instance never wait on each other's row locks: while one commits, the
 * sends that arrived meanwhile are already being written instead of waiting for it.
 */
export interface BatchedSend {
  user: AuthUser
  conversationId: string
  clientId: string
  content: string
  replyToId: string | null
  mentions: string[]
}

interface Pending extends BatchedSend {
  id: string
  resolve: (message: Message | undefined) => void
  /** Already in a refused batch once: refused again, it is committed on its own. */
  requeued?: boolean
}

let queue: Pending[] = []
let scheduled = false
/** Conversations of the batches being written: a batch never takes a send to one of them (see takeBatch). */
const busy = new Set<string>()
let inFlight = 0

/** Resolves with the committed message, or `undefined` when the send must be committed on its own. */
export function commitInBatch(send: BatchedSend & { id: string }): Promise<Message | undefined> {
  return new Promise((resolve) => {
    queue.push({ ...send, resolve })
    schedule()
  })
}

export function sendBatchingEnabled() {
  return useConfig().writes.sendBatchMax > 0
}

function schedule() {
  if (scheduled || queue.length === 0 || inFlight >= useConfig().writes.sendBatchesInFlight) return
  scheduled = true
  // setImmediate, not a timer: a lone send waits for nothing but the sends of the same event-loop turn.
  setImmediate(() => {
    scheduled = false
    startBatches()
  })
}

function startBatches() {
  const { sendBatchesInFlight } = useConfig().writes
  while (inFlight < sendBatchesInFlight) {
    const batch = takeBatch()
    if (batch.length === 0) return
    inFlight++
    const conversations = new Set(batch.map(send => send.conversationId))
    for (const id of conversations) busy.add(id)
    void writeNext(batch).finally(() => {
      inFlight--
      for (const id of conversations) busy.delete(id)
      schedule()
    })
  }
}

/**
 * The next batch: queued sends, in queue order, whose conversation no batch in flight holds. Two batches in
 * flight therefore never touch the same conversation, so they never wait on each other's row locks (nor
 * deadlock over them), and a conversation's sends still take their seqs in the order they were queued.
 */
function takeBatch(): Pending[] {
  const max = useConfig().writes.sendBatchMax
  const batch: Pending[] = []
  const rest: Pending[] = []
  for (const send of queue) {
    if (batch.length < max && !busy.has(send.conversationId)) batch.push(send)
    else rest.push(send)
  }
  queue = rest
  return batch
}

async function writeNext(batch: Pending[]) {
  try {
    const rows = await writeBatch(batch)
    const byId = new Map(rows.map(row => [row.id, row]))
    for (const send of batch) {
      const message = toMessage(byId.get(send.id)!, send.user)
      // Published in the batch's order, which is each conversation's seq order.
      publishPersisted({ type: 'message:new', conversationId: send.conversationId, seq: message.seq, data: { message } })
      send.resolve(message)
    }
  } catch (error) {
    if (!isBatchRefused(error)) {
      useLogger().warn('send batch failed; committing its sends one by one', { size: batch.length, error })
      for (const send of batch) send.resolve(undefined)
    } else {
      await splitRefused(batch)
    }
  }
}

/**
 * A refused batch most often held a retry of a message already committed: those go to the one-at-a-time path
 * (which answers them with the original) and the rest go back to the front of the queue once, so one retry
 * does not cost its batch-mates a transaction each. What is refused a second time goes one at a time too.
 */
async function splitRefused(batch: Pending[]) {
  let committed = new Set<string>()
  try {
    committed = await alreadyCommitted(batch)
  } catch {
    // Cannot tell: every send of the batch goes one at a time.
  }
  const again: Pending[] = []
  for (const send of batch) {
    if (send.requeued || committed.has(`${send.user.id}:${send.clientId}`)) send.resolve(undefined)
    else again.push({ ...send, requeued: true })
  }
  // Copies within the batch (one clientId sent twice at once): the first goes again, the others one at a time.
  const seen = new Set<string>()
  const unique = again.filter((send) => {
    const key = `${send.user.id}:${send.clientId}`
    if (seen.has(key)) {
      send.resolve(undefined)
      return false
    }
    seen.add(key)
    return true
  })
  queue = [...unique, ...queue]
}

const COMMITTED_SQL = `
  SELECT m.sender_id::text AS sender, m.client_id AS client FROM switchboard.messages m
  JOIN jsonb_to_recordset($1::jsonb) AS p(sender_id uuid, client_id text) ON m.sender_id = p.sender_id AND m.client_id = p.client_id`

async function alreadyCommitted(batch: Pending[]): Promise<Set<string>> {
  const pairs = JSON.stringify(batch.map(s => ({ sender_id: s.user.id, client_id: s.clientId })))
  const { rows } = await (await useDatabaseHandle()).hotQuery(COMMITTED_SQL, [pairs])
  return new Set(rows.map(r => `${r.sender}:${r.client}`))
}

function isBatchRefused(error: unknown): boolean {
  const code = (error as { code?: string } | null)?.code ?? (error as { cause?: { code?: string } } | null)?.cause?.code
  return code === 'SB001'
}

type MessageRow = typeof messages.$inferSelect

/**
 * The batch's one statement: seqs per conversation, messages, events, and the guard that makes it all or nothing.
 * Constant text with one parameter (the batch as json), so it is prepared once per pooled connection. Exported
 * for the test that reads its plan (tests/server/send-batch.postgres.test.ts).
 */
export const BATCH_SQL = `
  WITH input AS (
    SELECT t.*, o.ord
    FROM jsonb_array_elements($1::jsonb) WITH ORDINALITY AS o(elem, ord),
    LATERAL jsonb_to_record(o.elem) AS t(id uuid, conversation_id uuid, sender_id uuid, client_id text, content text, reply_to_id uuid, mentions uuid[])
  ),
  counts AS (SELECT conversation_id, count(*)::int AS n FROM input GROUP BY conversation_id),
  bumped AS (
    UPDATE switchboard.conversations AS c SET last_seq = c.last_seq + counts.n, last_message_at = now()
    FROM counts WHERE c.id = counts.conversation_id AND c.status = 'active'
    RETURNING c.id, c.project_id, c.kind, c.last_seq - counts.n AS base
  ),
  -- The sender must still take part (conversation and project) and, in announcements, not be a client: the
  -- instance checked this before, possibly from its cache, and this is where it holds under the row lock.
  -- Each is one scalar lookup by primary key (no row is NULL, which refuses the message). Written as joins on
  -- \`left_at IS NULL\`, the planner took the partial index on user_id and walked every live participation of the
  -- sender for each message (70 rows per message for a sender in 100 conversations; thousands for staff in thousands).
  numbered AS (
    SELECT i.*, (b.base + row_number() OVER (PARTITION BY i.conversation_id ORDER BY i.ord))::int AS seq
    FROM input i JOIN bumped b ON b.id = i.conversation_id
    WHERE (SELECT cm.left_at IS NULL FROM switchboard.conversation_members cm
        WHERE cm.conversation_id = i.conversation_id AND cm.user_id = i.sender_id)
      AND (SELECT b.kind <> 'announcement' OR pm.role <> 'client' FROM switchboard.project_members pm
        WHERE pm.project_id = b.project_id AND pm.user_id = i.sender_id)
  ),
  inserted AS (
    INSERT INTO switchboard.messages (id, conversation_id, seq, sender_id, client_id, type, content, reply_to_id, mentions)
    SELECT id, conversation_id, seq, sender_id, client_id, 'text', content, reply_to_id, coalesce(mentions, '{}'::uuid[])
    FROM numbered
    ON CONFLICT (sender_id, client_id) DO NOTHING
    RETURNING id, seq, created_at, conversation_id
  ),
  appended AS (
    INSERT INTO switchboard.conversation_events (conversation_id, seq, type, message_id)
    SELECT conversation_id, seq, 'message:new', id FROM inserted
  )
  -- One row whatever was inserted, so the guard always runs: a statement that wrote less than its input
  -- (a duplicate, a conversation not active) raises here and rolls back whole, seqs included.
  SELECT switchboard.send_batch_guard((SELECT count(*) FROM inserted) = (SELECT count(*) FROM input)) AS ok,
    (SELECT json_agg(json_build_object('id', id, 'seq', seq, 'createdMs', extract(epoch FROM created_at) * 1000)) FROM inserted) AS rows`

/** The batch's one statement: seqs per conversation, messages, events, and the guard that makes it all or nothing. */
async function writeBatch(batch: Pending[]): Promise<MessageRow[]> {
  const input = JSON.stringify(batch.map(s => ({
    id: s.id, conversation_id: s.conversationId, sender_id: s.user.id, client_id: s.clientId,
    content: s.content, reply_to_id: s.replyToId, mentions: s.mentions
  })))
  const { rows: [first] } = await (await useDatabaseHandle()).hotQuery(BATCH_SQL, [input])
  // json arrives parsed from PGlite and as text from postgres.js under Drizzle (its json parser is a pass-through).
  const written = (typeof first?.rows === 'string' ? JSON.parse(first.rows) : first?.rows ?? []) as { id: string, seq: number, createdMs: number }[]
  if (written.length !== batch.length) throw Object.assign(new Error('send batch wrote less than its input'), { code: 'SB001' })
  const byId = new Map(batch.map(s => [s.id, s]))
  return written.map((row) => {
    const send = byId.get(row.id)!
    return {
      id: send.id, conversationId: send.conversationId, seq: Number(row.seq), senderId: send.user.id, clientId: send.clientId,
      type: 'text', content: send.content, replyToId: send.replyToId, mentions: send.mentions,
      metadata: {}, createdAt: new Date(Number(row.createdMs)), editedAt: null, deletedAt: null, deletedBy: null, deleteReason: null
    }
  })
}
