// A history page's statement, apart from the views so the load bench (load/lib/history-sql.ts) runs the same text
// in pgbench without loading the server.

export type PageKind = 'newest' | 'before' | 'after'

/**
 * One statement per page: whether the caller may read the conversation, and the page as one json array, each
 * message as [id, seq, senderId, clientId, type, content, replyToId, mentions, createdMs, editedMs, deletedMs,
 * reactions, hasFiles] with its reactions as [emoji, userId] pairs in reaction order. Files are read apart, and only
 * for the messages that have any. Times are epoch milliseconds, as the send batch returns them. Ascending by seq in
 * every kind; the limit is take = limit + 1, the extra row telling that there is more.
 *
 * Why one statement and json (docs/performance.md, "History"): each round trip to Postgres costs the app and the
 * backend a write and a wake-up, 0.1–0.2 ms of CPU each on this kind of VM; Drizzle mapping 51 rows × 15 columns
 * (an `is()` check and a decoder per cell) cost about a millisecond per page of 50. Raw rows through postgres.js
 * (a parser per cell, a Date per timestamp) cost the app more than building the json costs Postgres; one json value
 * is parsed natively.
 *
 * `allowed` is requireConversation's rule (../conversations/access.ts) in SQL: null when the conversation does not
 * exist, true for a current participant who is still in the project, or for a global admin ($3); the page is only
 * read when it is true (a one-time filter, so a refused caller costs no scan). Analysts are refused before.
 */
const PAGE_OF = (condition: string, order: 'ASC' | 'DESC', limit: string) => `
  WITH reader AS (
    SELECT (cm.user_id IS NOT NULL AND pm.role IS NOT NULL) OR $3::boolean AS allowed
    FROM switchboard.conversations c
    LEFT JOIN switchboard.conversation_members cm ON cm.conversation_id = c.id AND cm.user_id = $2::uuid AND cm.left_at IS NULL
    LEFT JOIN switchboard.project_members pm ON pm.project_id = c.project_id AND pm.user_id = $2::uuid
    WHERE c.id = $1::uuid)
  SELECT (SELECT allowed FROM reader) AS allowed,
    coalesce(json_agg(json_build_array(m.id, m.seq, m.sender_id, m.client_id, m.type, m.content, m.reply_to_id,
      m.mentions, extract(epoch FROM m.created_at) * 1000, extract(epoch FROM m.edited_at) * 1000,
      extract(epoch FROM m.deleted_at) * 1000,
      (SELECT json_agg(json_build_array(r.emoji, r.user_id) ORDER BY r.created_at) FROM switchboard.reactions r WHERE r.message_id = m.id),
      EXISTS (SELECT 1 FROM switchboard.files f WHERE f.message_id = m.id)) ORDER BY m.seq), '[]') AS page
  FROM (
    SELECT * FROM switchboard.messages WHERE (SELECT allowed FROM reader) AND conversation_id = $1::uuid${condition} ORDER BY seq ${order} LIMIT ${limit}
  ) m`

/** The statement of each kind of page; parameters: conversation id, caller id, caller is admin, (before/after) the seq, take. */
export const HISTORY_PAGE_SQL: Record<PageKind, string> = {
  newest: PAGE_OF('', 'DESC', '$4'),
  before: PAGE_OF(' AND seq < $4', 'DESC', '$5'),
  after: PAGE_OF(' AND seq > $4', 'ASC', '$5')
}

export type PageEntry = [
  id: string, seq: number, senderId: string, clientId: string, type: 'text' | 'file' | 'system', content: string,
  replyToId: string | null, mentions: string[], createdMs: number, editedMs: number | null, deletedMs: number | null,
  reactions: Array<[emoji: string, userId: string]> | null, hasFiles: boolean
]

/** The statement's one row: the caller may read (true), and the page (json may come back as text: Drizzle replaced the pool's parser). */
export function readPage(row: Record<string, unknown> | undefined): { allowed: boolean, entries: PageEntry[] } {
  const page = row?.page
  return { allowed: row?.allowed === true, entries: (typeof page === 'string' ? JSON.parse(page) : page ?? []) as PageEntry[] }
}
