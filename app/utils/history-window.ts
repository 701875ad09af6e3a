import type { Message } from '../../shared/types'

/** Messages kept per conversation in the browser's cache (docs/architecture.md, "Client: the local-first cache"). */
export const HISTORY_LIMIT = 200

/** What to write for one conversation: the rows that changed inside the window, and the window's floor. */
export interface HistoryWindow {
  /** Every cached row of this conversation is dropped first (the history was reloaded, e.g. after `reset`). */
  replace: boolean
  put: Message[]
  /** Rows below this seq are trimmed away. */
  floor: number
  /** Older messages exist than the cached ones (on the server, or held in memory only). */
  hasMore: boolean
  /** Where a reopened replica resumes `sync`. */
  cursor: number
}

/**
 * The newest `limit` messages of a contiguous, seq-ascending history. The cache mirrors this window of the
 * in-memory history, never a union with older rows: a union could hold a hole that loadOlder() never fills.
 */
export function historyWindow(
  history: Message[],
  changed: ReadonlySet<number> | 'all',
  { hasMore, trackedSeq, limit = HISTORY_LIMIT }: { hasMore: boolean, trackedSeq?: number, limit?: number }
): HistoryWindow {
  const keep = history.slice(-limit)
  const last = keep.at(-1)?.seq ?? 0
  return {
    replace: changed === 'all',
    put: changed === 'all' ? keep : keep.filter(m => changed.has(m.seq)),
    floor: keep[0]?.seq ?? 0,
    hasMore: hasMore || history.length > keep.length,
    cursor: replayCursor(last, trackedSeq)
  }
}

/**
 * The seq to `sync` from: the newest cached message, unless events before it were not applied yet (our own
 * send is acked before the events ahead of it arrive). Replays are idempotent, so starting lower is safe.
 */
export function replayCursor(lastMessageSeq: number, trackedSeq?: number) {
  return trackedSeq === undefined ? lastMessageSeq : Math.min(lastMessageSeq, trackedSeq)
}

/** Changes noted between two flushes: a whole reload wins over single messages. */
export function noteChange(pending: Map<string, Set<number> | 'all'>, conversationId: string, seq: number | null) {
  const held = pending.get(conversationId)
  if (seq === null || held === 'all') return void pending.set(conversationId, 'all')
  if (held) held.add(seq)
  else pending.set(conversationId, new Set([seq]))
}
