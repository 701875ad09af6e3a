import { defineStore } from 'pinia'
import type { Conversation } from '#shared/types'
import type { ConversationKind } from '#shared/schemas/conversations'

const byRecency = (a: Conversation, b: Conversation) =>
  (b.lastMessageAt ?? b.createdAt).localeCompare(a.lastMessageAt ?? a.createdAt)

/** Conversations per project with their unread and mention counters; upsert() also takes live `conversation:updated` events. */
export const useConversationsStore = defineStore('conversations', () => {
  const chat = useChatApi()
  const byId = ref<Record<string, Conversation>>({})
  const loadedProjects = ref<Record<string, true>>({})

  const listFor = (projectId: string) =>
    Object.values(byId.value).filter(c => c.projectId === projectId).sort(byRecency)

  function upsert(conversation: Conversation) {
    const existing = byId.value[conversation.id]
    // A live update can carry counters computed for another reader: keep ours unless the list is reloaded.
    byId.value[conversation.id] = existing
      ? { ...existing, ...conversation, unreadCount: conversation.unreadCount ?? existing.unreadCount, mentionCount: conversation.mentionCount ?? existing.mentionCount }
      : conversation
  }

  async function load(projectId: string) {
    const { conversations } = await chat.listConversations(projectId)
    const others = Object.values(byId.value).filter(c => c.projectId !== projectId)
    byId.value = Object.fromEntries([...others, ...conversations].map(c => [c.id, c]))
    loadedProjects.value[projectId] = true
    return conversations
  }

  /** The sidebar read back from the cache, until load() answers. */
  function restore(projectId: string, rows: Conversation[]) {
    rows.forEach(upsert)
    loadedProjects.value[projectId] = true
  }

  async function create(projectId: string, body: { title: string, kind: ConversationKind, participantIds: string[] }) {
    const { conversation } = await chat.createConversation(projectId, body)
    upsert(conversation)
    return conversation
  }

  /** A message arrived (ours or live): move the conversation head; count it unless we sent it or are reading. */
  function noteMessage(conversationId: string, seq: number, at: string, { unread = false, mention = false } = {}) {
    const c = byId.value[conversationId]
    if (!c) return
    c.lastSeq = Math.max(c.lastSeq, seq)
    c.lastMessageAt = at
    if (unread) c.unreadCount += 1
    if (mention) c.mentionCount += 1
  }

  function markReadLocally(conversationId: string) {
    const c = byId.value[conversationId]
    if (!c) return
    c.unreadCount = 0
    c.mentionCount = 0
  }

  // The other participant of each direct message, for its presence dot in the list.
  const dmPeers = ref<Record<string, string>>({})

  async function loadDmPeers(ids: string[], myId: string) {
    await Promise.all(ids.filter(id => !dmPeers.value[id]).map(async (id) => {
      try {
        const peer = (await chat.getConversation(id)).members.find(m => m.userId !== myId)
        if (peer) dmPeers.value[id] = peer.userId
      } catch {
        // No dot for this one.
      }
    }))
  }

  /** `conversation:removed`: the user lost access, so nothing of it may stay on screen. */
  function remove(conversationId: string) {
    byId.value = Object.fromEntries(Object.entries(byId.value).filter(([id]) => id !== conversationId))
  }

  return { byId, loadedProjects, dmPeers, listFor, upsert, restore, load, create, noteMessage, markReadLocally, loadDmPeers, remove }
})
