import { defineStore } from 'pinia'
import type { FileInfo } from '#shared/types'

export interface OutboxItem {
  clientId: string
  conversationId: string
  senderId: string
  content: string
  replyToId: string | null
  /** Attachments whose uploads completed before Send: their ids go out with the message, the rest shows it pending. */
  files?: FileInfo[]
  /** Tray uploads (keys) still running at Send: the message waits for them, then carries their files too. */
  uploads?: string[]
  createdAt: string
  // sending: queued or in flight; retrying: an attempt failed and another will follow; waiting: rate-limited until
  // retryAt (epoch ms, kept across reloads so the wait is honoured); failed: the server refused it, error says why.
  state: 'sending' | 'retrying' | 'waiting' | 'failed'
  error?: string
  retryAt?: number
}

/**
 * Messages typed but not yet acknowledged, persisted in localStorage per user so they survive reloads
 * and go out with the SAME clientId: the server's (sender, clientId) idempotency makes delivery exactly-once.
 */
export const useOutboxStore = defineStore('outbox', () => {
  const items = ref<OutboxItem[]>([])
  let key: string | null = null

  function persist() {
    if (!key) return
    try {
      if (items.value.length) localStorage.setItem(key, JSON.stringify(items.value))
      else localStorage.removeItem(key)
    } catch {
      // Storage full or disabled: the outbox still works for this page's lifetime.
    }
  }

  function restore(userId: string) {
    key = `switchboard:outbox:${userId}`
    try {
      const saved = JSON.parse(localStorage.getItem(key) ?? '[]') as OutboxItem[]
      const held = new Set(items.value.map(i => i.clientId))
      items.value = [...items.value, ...saved.filter(i => !held.has(i.clientId))]
    } catch {
      items.value = []
    }
  }

  const forConversation = (conversationId: string) => items.value.filter(i => i.conversationId === conversationId)
  const has = (clientId: string) => items.value.some(i => i.clientId === clientId)

  function add(item: OutboxItem) {
    items.value.push(item)
    persist()
  }

  function update(clientId: string, patch: Partial<Pick<OutboxItem, 'state' | 'error' | 'retryAt' | 'files' | 'uploads'>>) {
    const item = items.value.find(i => i.clientId === clientId)
    if (!item) return
    Object.assign(item, patch)
    persist()
  }

  /** Acknowledged (a reply, or our own `message:new`), discarded, or the conversation is gone. */
  function remove(clientId: string) {
    if (!has(clientId)) return
    items.value = items.value.filter(i => i.clientId !== clientId)
    persist()
  }

  /** Scan results reach a message that is still waiting to go out too. */
  function applyFile(file: FileInfo) {
    for (const item of items.value) {
      if (item.files?.some(f => f.id === file.id)) item.files = item.files.map(f => f.id === file.id ? file : f)
    }
  }

  function dropConversation(conversationId: string) {
    items.value = items.value.filter(i => i.conversationId !== conversationId)
    persist()
  }

  return { items, restore, forConversation, has, add, update, remove, applyFile, dropConversation }
})
