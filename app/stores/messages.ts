import { defineStore } from 'pinia'
import type { FileInfo, Message } from '#shared/types'
import type { SendMessageInput } from '../composables/useChatApi'

export interface ConversationMessages {
  bySeq: Record<number, Message>
  hasMore: boolean
  loaded: boolean
  // Highest seq we told the server we have read: marks are monotonic, like the server's.
  readSeq: number
}

const PAGE_SIZE = 50
const MAX_CATCH_UP_PAGES = 4

/**
 * Messages keyed by conversation then seq. apply() is the single write path for REST replies and,
 * next, WebSocket `message:new` / `message:updated` events: an idempotent upsert, so a reply and an
 * event for the same message in any order leave one entry.
 */
export const useMessagesStore = defineStore('messages', () => {
  const chat = useChatApi()
  const conversations = ref<Record<string, ConversationMessages>>({})
  const seqById = ref<Record<string, { conversationId: string, seq: number }>>({})
  // Told of every write (seq) and of every reload (null): the IndexedDB replica follows these (history-replica.ts).
  const writeListeners = new Set<(conversationId: string, seq: number | null) => void>()

  function onWrite(listener: (conversationId: string, seq: number | null) => void) {
    writeListeners.add(listener)
    return () => writeListeners.delete(listener)
  }

  function entry(conversationId: string): ConversationMessages {
    return (conversations.value[conversationId] ??= { bySeq: {}, hasMore: true, loaded: false, readSeq: 0 })
  }

  const list = (conversationId: string): Message[] => {
    const c = conversations.value[conversationId]
    if (!c) return []
    return Object.values(c.bySeq).sort((a, b) => a.seq - b.seq)
  }

  const byId = (id: string): Message | undefined => {
    const at = seqById.value[id]
    return at ? conversations.value[at.conversationId]?.bySeq[at.seq] : undefined
  }

  function put(message: Message) {
    entry(message.conversationId).bySeq[message.seq] = message
    seqById.value[message.id] = { conversationId: message.conversationId, seq: message.seq }
  }

  function apply(message: Message) {
    put(message)
    writeListeners.forEach(listener => listener(message.conversationId, message.seq))
  }

  /** A history read back from the cache: shown at once, not written back. */
  function restore(conversationId: string, messages: Message[], hasMore: boolean) {
    const c = entry(conversationId)
    c.bySeq = {}
    messages.forEach(put)
    c.hasMore = hasMore
    c.loaded = true
  }

  function forget(conversationId: string) {
    conversations.value = Object.fromEntries(Object.entries(conversations.value).filter(([id]) => id !== conversationId))
  }

  /** `message:deleted` carries no content: blank the body we hold. */
  function markDeleted(messageId: string, deletedAt = new Date().toISOString()) {
    const message = byId(messageId)
    if (message) apply({ ...message, content: null, deletedAt })
  }

  async function loadLatest(conversationId: string) {
    const { messages, hasMore } = await chat.listMessages(conversationId, { limit: PAGE_SIZE })
    const c = entry(conversationId)
    c.bySeq = {}
    messages.forEach(put)
    c.hasMore = hasMore
    c.loaded = true
    writeListeners.forEach(listener => listener(conversationId, null))
  }

  /** Loads the page before the oldest message held; returns how many arrived. */
  async function loadOlder(conversationId: string): Promise<number> {
    const c = entry(conversationId)
    const oldest = list(conversationId)[0]
    if (!c.hasMore || !oldest) return 0
    const { messages, hasMore } = await chat.listMessages(conversationId, { before: oldest.seq, limit: PAGE_SIZE })
    messages.forEach(apply)
    c.hasMore = hasMore
    return messages.length
  }

  /**
   * Loads older pages until the message after `seq` is held (the first unread, so the reader can start there), at
   * most MAX_CATCH_UP_PAGES: past that the reader starts at the oldest page loaded and scrolls up for the rest.
   * Nothing for seq 0: someone who never opened the conversation starts at its newest messages.
   */
  async function loadBackTo(conversationId: string, seq: number) {
    for (let page = 0; page < MAX_CATCH_UP_PAGES; page++) {
      const oldest = list(conversationId)[0]
      if (!seq || !oldest || oldest.seq <= seq || !(await loadOlder(conversationId))) return
    }
  }

  /** A `file:updated` (scan result) or a re-fetched file: replaced in every message that carries it. */
  function applyFile(file: FileInfo) {
    const c = conversations.value[file.conversationId]
    if (!c) return
    const owner = file.messageId ? byId(file.messageId) : undefined
    for (const message of owner ? [owner] : Object.values(c.bySeq)) {
      if (message.files.some(f => f.id === file.id)) apply({ ...message, files: message.files.map(f => f.id === file.id ? file : f) })
    }
  }

  async function send(conversationId: string, body: SendMessageInput) {
    const { message } = await chat.sendMessage(conversationId, body)
    apply(message)
    return message
  }

  const edit = async (id: string, content: string) => apply((await chat.editMessage(id, content)).message)
  const remove = async (id: string) => apply((await chat.deleteMessage(id)).message)
  const react = async (id: string, emoji: string) => apply((await chat.addReaction(id, emoji)).message)
  const unreact = async (id: string, emoji: string) => apply((await chat.removeReaction(id, emoji)).message)

  /** Tells the server the last seq seen, once per new high-water mark (the server broadcasts it as a `read` event). */
  async function markRead(conversationId: string, seq: number): Promise<boolean> {
    const c = entry(conversationId)
    if (seq <= c.readSeq) return false
    const previous = c.readSeq
    c.readSeq = seq
    try {
      await chat.markRead(conversationId, seq)
    } catch (error) {
      // Let the next visible message retry this mark.
      if (c.readSeq === seq) c.readSeq = previous
      throw error
    }
    return true
  }

  // Every piece of state is returned: Pinia serialises only returned refs into the SSR payload.
  return { conversations, seqById, entry, list, byId, apply, restore, forget, onWrite, applyFile, markDeleted, loadLatest, loadOlder, loadBackTo, send, edit, remove, react, unreact, markRead }
})
