import type { Conversation, Message } from '#shared/types'

/** A server → client frame of contract §5 (events; replies and `ready` are handled by the connection). */
export interface LiveFrame {
  type: string
  conversationId?: string
  seq?: number
  data?: Record<string, unknown>
}

/**
 * Applies live events to the stores. Persisted events arrive here already de-duplicated and in seq order
 * (realtime-sync.ts); ephemeral ones (typing, read, presence) are best-effort and applied as they come.
 * Call in a setup context (plugin): it captures the stores and the router.
 */
export function createEventApplier() {
  const auth = useAuthStore()
  const rt = useRealtimeStore()
  const messages = useMessagesStore()
  const conversations = useConversationsStore()
  const outbox = useOutboxStore()
  const chat = useChatApi()
  const router = useRouter()

  const me = () => auth.user?.id
  const openConversationId = () => {
    const id = router.currentRoute.value.params.conversationId
    return typeof id === 'string' ? id : undefined
  }

  /**
   * Only into a loaded history, and never below its oldest page unless we already hold that message:
   * a stray old message would become the `before` cursor of loadOlder() and hide everything in between.
   */
  function put(message: Message | undefined) {
    if (!message) return
    const entry = messages.conversations[message.conversationId]
    if (!entry?.loaded) return
    const oldest = messages.list(message.conversationId)[0]
    if (messages.byId(message.id) || !oldest || !entry.hasMore || message.seq >= oldest.seq) messages.apply(message)
  }

  function onNew(conversationId: string, message: Message | undefined) {
    if (!message) return
    put(message)
    const mine = message.senderId === me()
    if (mine) outbox.remove(message.clientId)
    // Past the head we know: the list's counters already include everything up to it (replays don't count twice).
    const fresh = message.seq > (conversations.byId[conversationId]?.lastSeq ?? 0)
    const counts = fresh && !mine && !message.deletedAt && openConversationId() !== conversationId
    const mention = counts && !!me() && (message.mentions ?? []).includes(me()!)
    conversations.noteMessage(conversationId, message.seq, message.createdAt, { unread: counts, mention })
  }

  async function onConversation(conversation: Conversation | undefined) {
    if (!conversation?.id) return
    const existing = conversations.byId[conversation.id]
    // The event's counters (if any) are not ours: keep the ones we hold.
    if (existing) {
      conversations.upsert({ ...existing, ...conversation, unreadCount: existing.unreadCount, mentionCount: existing.mentionCount })
      return
    }
    if (!conversations.loadedProjects[conversation.projectId]) return
    // Newly added to it: the detail carries our own counters.
    try {
      conversations.upsert((await chat.getConversation(conversation.id)).conversation)
    } catch {
      // Not readable (anymore): nothing to show.
    }
  }

  function onRemoved(conversationId: string | undefined) {
    if (!conversationId) return
    const projectId = conversations.byId[conversationId]?.projectId
    conversations.remove(conversationId)
    messages.conversations = Object.fromEntries(Object.entries(messages.conversations).filter(([id]) => id !== conversationId))
    outbox.dropConversation(conversationId)
    rt.forget(conversationId)
    if (openConversationId() === conversationId) router.push(projectId ? `/projects/${projectId}` : '/')
  }

  function onRead(conversationId: string, userId: string, seq: number) {
    rt.noteRead(conversationId, userId, seq)
    if (userId !== me()) return
    // Read in another tab or device: clear our badge once that covers the newest message we know of.
    const newest = Math.max(messages.list(conversationId).at(-1)?.seq ?? 0, conversations.byId[conversationId]?.lastSeq ?? 0)
    const entry = messages.conversations[conversationId]
    if (entry) entry.readSeq = Math.max(entry.readSeq, seq)
    if (seq >= newest || openConversationId() === conversationId) conversations.markReadLocally(conversationId)
  }

  /** A persisted event whose seq is the next one for its conversation. */
  function persisted(frame: LiveFrame) {
    const id = frame.conversationId!
    const data = frame.data ?? {}
    if (frame.type === 'message:new') onNew(id, data.message as Message | undefined)
    else if (frame.type === 'message:updated') put(data.message as Message | undefined)
    else if (frame.type === 'message:deleted' && typeof data.messageId === 'string') messages.markDeleted(data.messageId)
    else if (frame.type === 'conversation:updated') void onConversation(data.conversation as Conversation | undefined)
  }

  function ephemeral(frame: LiveFrame) {
    const data = frame.data ?? {}
    const userId = typeof data.userId === 'string' ? data.userId : undefined
    const conversationId = frame.conversationId
    if (frame.type === 'conversation:removed') onRemoved((data.conversationId as string | undefined) ?? conversationId)
    // On the user's own channel, without a seq: a conversation they were just added to.
    else if (frame.type === 'conversation:updated') void onConversation(data.conversation as Conversation | undefined)
    else if (frame.type === 'presence' && userId) {
      rt.setPresence(userId, data.status as 'online' | 'away' | 'offline', (data.lastSeenAt as string | null) ?? null)
    } else if (frame.type === 'typing' && userId && conversationId && userId !== me()) {
      rt.setTyping(conversationId, userId, data.typing === true)
    } else if (frame.type === 'read' && userId && conversationId && typeof data.seq === 'number') {
      onRead(conversationId, userId, data.seq)
    }
  }

  return { persisted, ephemeral, put, onRemoved }
}
