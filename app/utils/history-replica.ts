import type { ConversationMember } from '../composables/useChatApi'
import type { HistoryCache } from './history-cache'
import type { HistoryWindow } from './history-window'

// Writes are gathered for this long, then go out in one transaction (a burst of events is one write).
const FLUSH_MS = 250

export type HistoryReplica = ReturnType<typeof createHistoryReplica>

let replica: HistoryReplica | null = null

/** The browser's replica of the signed-in user's recent history; null during SSR. */
export function useHistoryReplica(): HistoryReplica | null {
  return import.meta.client ? replica : null
}

/** Call once, in a client plugin: it captures the stores. */
export function installHistoryReplica() {
  return (replica ??= createHistoryReplica())
}

/**
 * Keeps IndexedDB (history-cache.ts) a write-through copy of the stores: messages through the messages store's
 * one write path, sidebar rows and projects by watching their stores. Reads it back when a page opens.
 */
function createHistoryReplica() {
  const messages = useMessagesStore()
  const conversations = useConversationsStore()
  const projects = useProjectsStore()
  const rt = useRealtimeStore()
  let cache: Promise<HistoryCache | null> = Promise.resolve(null)
  let userId: string | null = null
  const pending = new Map<string, Set<number> | 'all'>()
  let rowsDirty = false
  let projectsDirty = false
  let timer: ReturnType<typeof setTimeout> | undefined

  function schedule() {
    if (!userId || timer) return
    timer = setTimeout(() => void flush(), FLUSH_MS)
  }

  messages.onWrite((id, seq) => {
    if (!userId) return
    noteChange(pending, id, seq)
    schedule()
  })
  watch(() => conversations.byId, () => {
    rowsDirty = true
    schedule()
  }, { deep: true })
  watch(() => projects.projects, () => {
    projectsDirty = true
    schedule()
  }, { deep: true })
  // The last changes before a reload or a closed tab.
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'hidden' && timer) void flush()
  })

  async function flush() {
    clearTimeout(timer)
    timer = undefined
    const owner = userId
    const db = await cache
    if (!db || db.userId !== owner) return
    const windows: Array<[string, HistoryWindow]> = []
    for (const [id, changed] of pending) {
      const entry = messages.conversations[id]
      if (entry?.loaded) windows.push([id, historyWindow(messages.list(id), changed, { hasMore: entry.hasMore, trackedSeq: rt.seqs[id] })])
    }
    pending.clear()
    const rows = rowsDirty ? Object.fromEntries(Object.keys(conversations.loadedProjects).map(p => [p, conversations.listFor(p)])) : null
    const list = projectsDirty && projects.loaded ? projects.projects : null
    rowsDirty = projectsDirty = false
    try {
      await Promise.all([
        windows.length ? db.writeWindows(windows) : null,
        rows ? db.writeConversations(rows) : null,
        list ? db.writeProjects(list) : null
      ])
    } catch {
      // Quota, private mode or a database deleted by a sign-out elsewhere: the in-memory stores are unaffected.
    }
  }

  /** Opens this user's database; what the stores already hold (the server-rendered page) is its first write. */
  function open(id: string) {
    if (userId === id) return
    close()
    userId = id
    cache = openHistoryCache(id).catch(() => null)
    for (const [cid, entry] of Object.entries(messages.conversations)) if (entry.loaded) noteChange(pending, cid, null)
    rowsDirty = projectsDirty = true
    schedule()
  }

  function close() {
    const held = cache
    cache = Promise.resolve(null)
    userId = null
    pending.clear()
    clearTimeout(timer)
    timer = undefined
    void held.then(db => db?.close())
  }

  /** Signed out, or the session ended: this browser keeps nothing of any account. */
  async function clear() {
    const id = userId ?? undefined
    close()
    await clearHistoryCaches(id)
  }

  /**
   * A conversation shown from memory or from the cache, before the network answers; undefined when neither
   * has it (with its members, needed for names). `cursor` is where `sync` must resume.
   */
  async function restoreConversation(id: string, projectId: string): Promise<{ members: ConversationMember[], cursor: number } | undefined> {
    const db = await cache
    const cached = await db?.readConversation(id).catch(() => undefined)
    const row = conversations.byId[id] ?? cached?.conversation
    if (!row || row.projectId !== projectId || !cached?.members) return undefined
    if (!conversations.byId[id]) conversations.upsert(row)
    if (messages.conversations[id]?.loaded) {
      return { members: cached.members, cursor: replayCursor(messages.list(id).at(-1)?.seq ?? 0, rt.seqs[id]) }
    }
    messages.restore(id, cached.messages, cached.hasMore)
    return { members: cached.members, cursor: cached.cursor }
  }

  /** The project's sidebar from memory or from the cache; false when it must come from the network. */
  async function restoreProject(projectId: string): Promise<boolean> {
    if (projects.byId(projectId) && conversations.loadedProjects[projectId]) return true
    const db = await cache
    if (!db) return false
    try {
      const [list, rows] = await Promise.all([db.readProjects(), db.readConversations(projectId)])
      if (!list.some(p => p.id === projectId)) return false
      if (!projects.loaded) projects.restore(list)
      conversations.restore(projectId, rows)
      return true
    } catch {
      return false
    }
  }

  async function saveMembers(id: string, members: ConversationMember[]) {
    await (await cache)?.writeMembers(id, members).catch(() => {})
  }

  async function forget(id: string) {
    pending.delete(id)
    await (await cache)?.forget(id).catch(() => {})
  }

  return { open, close, clear, flush, restoreConversation, restoreProject, saveMembers, forget }
}
