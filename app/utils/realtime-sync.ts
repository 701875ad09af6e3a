import type { PersistedEvent, ServerEvent } from '#shared/schemas/events'

export type RealtimeRequest = <T>(type: string, data: object) => Promise<T>
// `notFound` is this server's addition: ids it refused (no access any more, or a failure while syncing).
interface SyncReply { conversations?: Record<string, { lastSeq: number, reset: boolean }>, notFound?: string[] }

// Contract: at most 1000 cursors per `sync` frame.
const MAX_CURSORS = 500

/** Persisted events carry their conversation and seq; `conversation:updated` on a user's own channel has neither. */
const isPersisted = (event: ServerEvent): event is PersistedEvent =>
  'seq' in event && typeof event.seq === 'number' && typeof event.conversationId === 'string'

/**
 * Keeps every known conversation at exactly the server's history (contract §5, delivery guarantee):
 * a seq at or below the cursor is a duplicate and dropped, a seq past cursor+1 is a gap and triggers
 * `sync` for that conversation, and `reset: true` reloads its history over REST.
 */
export function createRealtimeSync(request: RealtimeRequest) {
  const rt = useRealtimeStore()
  const messages = useMessagesStore()
  const conversations = useConversationsStore()
  const chat = useChatApi()
  const apply = createEventApplier()
  const inFlight = new Set<string>()
  const dirty = new Set<string>()
  let batch: Set<string> | null = null

  /** The last seq applied: tracked from events, else what the loaded history or the conversation list says. */
  function cursorFor(id: string): number | undefined {
    const tracked = rt.seqs[id]
    if (tracked !== undefined) return tracked
    if (messages.conversations[id]?.loaded) return messages.list(id).at(-1)?.seq ?? 0
    return conversations.byId[id]?.lastSeq
  }

  function handle(event: ServerEvent) {
    if (!isPersisted(event)) return apply.ephemeral(event)
    const id = event.conversationId
    const known = cursorFor(id)
    if (known !== undefined && event.seq <= known) return
    if (known !== undefined && event.seq > known + 1) return requestSync(id)
    apply.persisted(event)
    rt.seqs[id] = event.seq
  }

  /** Batches the conversations asked for in one tick into one `sync`; one in flight per conversation. */
  function requestSync(id: string) {
    if (inFlight.has(id)) {
      dirty.add(id)
      return
    }
    if (!batch) {
      batch = new Set()
      queueMicrotask(() => {
        const ids = [...batch!]
        batch = null
        void syncIds(ids)
      })
    }
    batch.add(id)
  }

  async function syncIds(ids: string[]) {
    const cursors: Record<string, number> = {}
    for (const id of ids) {
      cursors[id] = cursorFor(id) ?? 0
      inFlight.add(id)
    }
    try {
      const reply = await request<SyncReply>('sync', { cursors })
      for (const [id, head] of Object.entries(reply?.conversations ?? {})) await settle(id, head, cursors[id] ?? 0)
      for (const id of reply?.notFound ?? []) await confirmGone(id)
    } catch {
      // Disconnected or timed out: the sync after the next `ready` covers these conversations.
    } finally {
      ids.forEach(id => inFlight.delete(id))
      ids.filter(id => dirty.delete(id)).forEach(requestSync)
    }
  }

  /** After the replay: `reset` (or a replay that fell short of the head) means the history must be reloaded. */
  async function settle(id: string, head: { lastSeq: number, reset: boolean }, sent: number) {
    const applied = rt.seqs[id] ?? sent
    if (!head.reset && applied >= head.lastSeq) return
    if (!head.reset && sent >= head.lastSeq) {
      rt.seqs[id] = head.lastSeq
      return
    }
    rt.seqs[id] = head.lastSeq
    if (messages.conversations[id]?.loaded) await messages.loadLatest(id).catch(() => {})
    if (!conversations.byId[id]) return
    try {
      conversations.upsert((await chat.getConversation(id)).conversation)
    } catch {
      // Gone: a `conversation:removed` follows.
    }
  }

  /** A refused sync may be a transient failure: only a 404 from REST takes the conversation away. */
  async function confirmGone(id: string) {
    try {
      await chat.getConversation(id)
    } catch (error) {
      if (isApiError(error, 'not_found')) apply.onRemoved(id)
    }
  }

  /** On every (re)connect: every conversation we know, from where we are. */
  async function syncAll() {
    const ids = [...new Set([...Object.keys(conversations.byId), ...Object.keys(rt.seqs)])]
      .filter(id => cursorFor(id) !== undefined)
    const chunks: Array<Promise<void>> = []
    for (let i = 0; i < ids.length; i += MAX_CURSORS) chunks.push(syncIds(ids.slice(i, i + MAX_CURSORS)))
    await Promise.all(chunks)
  }

  /** `ping` heads: a lost *last* event shows up as a head past our cursor. */
  function checkHeads(heads: Record<string, number>) {
    for (const [id, head] of Object.entries(heads)) {
      const known = cursorFor(id)
      if (known === undefined) rt.seqs[id] = head
      else if (head > known) requestSync(id)
    }
  }

  /**
   * A history just loaded over REST may predate events that arrived while it loaded (they were not applied
   * to an unloaded list): replay from its newest message, or from `from` (a cached history's cursor). Replays are idempotent.
   */
  function catchUp(id: string, connected: boolean, from?: number) {
    rt.seqs[id] = from ?? messages.list(id).at(-1)?.seq ?? 0
    if (connected) requestSync(id)
  }

  return { handle, syncAll, checkHeads, catchUp }
}
