import { deleteDB, openDB } from 'idb'
import type { DBSchema, IDBPDatabase } from 'idb'
import type { Conversation, Message, Project, PublicUser } from '#shared/types'
import type { ConversationMember } from '../composables/useChatApi'
import type { HistoryWindow } from './history-window'

// One database per user (the id is in the name), so one account never opens another's rows.
const DB_PREFIX = 'switchboard-cache-'
const DB_VERSION = 1
// Who was signed in last: the offline app shell has no server to ask (app/stores/auth.ts).
const USER_KEY = 'switchboard:user'

interface HistorySchema extends DBSchema {
  messages: { key: [string, number], value: Message }
  // Per conversation: whether older messages exist and where `sync` resumes.
  windows: { key: string, value: { id: string, hasMore: boolean, cursor: number } }
  members: { key: string, value: { id: string, members: ConversationMember[] } }
  conversations: { key: string, value: Conversation, indexes: { projectId: string } }
  projects: { key: string, value: Project }
}

export interface CachedConversation {
  messages: Message[]
  hasMore: boolean
  cursor: number
  members?: ConversationMember[]
  conversation?: Conversation
}

// Store rows are Vue proxies, which IndexedDB's structured clone refuses.
const plain = <T>(value: T): T => JSON.parse(JSON.stringify(value))

const rangeOf = (conversationId: string, from = 0, to = Number.MAX_SAFE_INTEGER) =>
  IDBKeyRange.bound([conversationId, from], [conversationId, to])

export type HistoryCache = Awaited<ReturnType<typeof openHistoryCache>>

/** The IndexedDB replica of one user's recent history (idb: https://github.com/jakearchibald/idb). */
export async function openHistoryCache(userId: string) {
  const db: IDBPDatabase<HistorySchema> = await openDB<HistorySchema>(`${DB_PREFIX}${userId}`, DB_VERSION, {
    upgrade(db) {
      db.createObjectStore('messages', { keyPath: ['conversationId', 'seq'] })
      db.createObjectStore('windows', { keyPath: 'id' })
      db.createObjectStore('members', { keyPath: 'id' })
      db.createObjectStore('conversations', { keyPath: 'id' }).createIndex('projectId', 'projectId')
      db.createObjectStore('projects', { keyPath: 'id' })
    },
    // A sign-out in another tab deletes this database: let it, instead of blocking it.
    blocking() {
      db.close()
    }
  })

  async function readConversation(id: string): Promise<CachedConversation | undefined> {
    const tx = db.transaction(['messages', 'windows', 'members', 'conversations'])
    const [messages, window, members, conversation] = await Promise.all([
      tx.objectStore('messages').getAll(rangeOf(id)),
      tx.objectStore('windows').get(id),
      tx.objectStore('members').get(id),
      tx.objectStore('conversations').get(id)
    ])
    if (!window) return undefined
    return { messages, hasMore: window.hasMore, cursor: window.cursor, members: members?.members, conversation }
  }

  /** One transaction for every conversation that changed since the last flush. */
  async function writeWindows(windows: Array<[string, HistoryWindow]>) {
    const tx = db.transaction(['messages', 'windows'], 'readwrite')
    const messages = tx.objectStore('messages')
    for (const [id, w] of windows) {
      if (w.replace) void messages.delete(rangeOf(id))
      else if (w.floor > 0) void messages.delete(rangeOf(id, 0, w.floor - 1))
      for (const message of w.put) void messages.put(plain(message))
      void tx.objectStore('windows').put({ id, hasMore: w.hasMore, cursor: w.cursor })
    }
    await tx.done
  }

  async function writeMembers(id: string, members: ConversationMember[]) {
    await db.put('members', { id, members: plain(members) })
  }

  /** The sidebar rows of the projects given, replacing what was cached for them. */
  async function writeConversations(byProject: Record<string, Conversation[]>) {
    const tx = db.transaction('conversations', 'readwrite')
    for (const [projectId, rows] of Object.entries(byProject)) {
      const held = new Set(rows.map(r => r.id))
      for (const key of await tx.store.index('projectId').getAllKeys(projectId)) {
        if (!held.has(key)) void tx.store.delete(key)
      }
      for (const row of rows) void tx.store.put(plain(row))
    }
    await tx.done
  }

  const readConversations = (projectId: string) => db.getAllFromIndex('conversations', 'projectId', projectId)

  async function writeProjects(projects: Project[]) {
    const tx = db.transaction('projects', 'readwrite')
    await tx.store.clear()
    for (const project of projects) void tx.store.put(plain(project))
    await tx.done
  }

  const readProjects = () => db.getAll('projects')

  /** The user lost access: nothing of it stays. */
  async function forget(id: string) {
    const tx = db.transaction(['messages', 'windows', 'members', 'conversations'], 'readwrite')
    void tx.objectStore('messages').delete(rangeOf(id))
    for (const store of ['windows', 'members', 'conversations'] as const) void tx.objectStore(store).delete(id)
    await tx.done
  }

  return {
    userId, readConversation, writeWindows, writeMembers, writeConversations, readConversations,
    writeProjects, readProjects, forget, close: () => db.close()
  }
}

/**
 * Deletes every history database on this browser profile, not only the current user's: one left by a session
 * that expired while the tab was closed goes too. `indexedDB.databases()` is missing in older browsers.
 */
export async function clearHistoryCaches(knownUserId?: string) {
  forgetUser()
  const names = new Set(knownUserId ? [`${DB_PREFIX}${knownUserId}`] : [])
  try {
    for (const db of await indexedDB.databases()) if (db.name?.startsWith(DB_PREFIX)) names.add(db.name)
  } catch {
    // Only the known one, then.
  }
  await Promise.all([...names].map(name => deleteDB(name).catch(() => {})))
}

export function rememberUser(user: PublicUser) {
  try {
    localStorage.setItem(USER_KEY, JSON.stringify(user))
  } catch {
    // Storage disabled: no offline start, everything else works.
  }
}

export function recallUser(): PublicUser | null {
  try {
    return JSON.parse(localStorage.getItem(USER_KEY) ?? 'null') as PublicUser | null
  } catch {
    return null
  }
}

function forgetUser() {
  try {
    localStorage.removeItem(USER_KEY)
  } catch {
    // Nothing was kept.
  }
}
