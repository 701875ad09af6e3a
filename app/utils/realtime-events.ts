import type { PersistedEvent, ServerEvent } from '#shared/schemas/events'
import type { Conversation, FileInfo, Message } from '#shared/types'

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
  const uploads = useUploadsStore()
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
  function put(message: Message) {
    const entry = messages.conversations[message.conversationId]
    if (!entry?.loaded) return
    const oldest = messages.list(message.conversationId)[0]
    if (messages.byId(message.id) || !oldest || !entry.hasMore || message.seq >= oldest.seq) messages.apply(message)
  }

  function onNew(conversationId: string, message: Message) {
    put(message)
    const mine = message.senderId === me()
    if (mine) outbox.remove(message.clientId)
    // Past the head we know: the list's counters already include everything up to it (replays don't count twice).
    const fresh = message.seq > (conversations.byId[conversationId]?.lastSeq ?? 0)
    const counts = fresh && !mine && !message.deletedAt && openConversationId() !== conversationId
    const mention = counts && !!me() && message.mentions.includes(me()!)
    conversations.noteMessage(conversationId, message.seq, message.createdAt, { unread: counts, mention })
  }

  async function onConversation(conversation: Conversation) {
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

  function onRemoved(conversationId: string) {
    const projectId = conversations.byId[conversationId]?.projectId
    conversations.remove(conversationId)
    messages.forget(conversationId)
    void useHistoryReplica()?.forget(conversationId)
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

  /** A scan result: the file moves from "Scanning…" to its preview or to Blocked wherever it is shown. */
  function onFile(file: FileInfo) {
    messages.applyFile(file)
    uploads.applyFile(file)
    outbox.applyFile(file)
  }

  /** A persisted event whose seq is the next one for its conversation. */
  function persisted(event: PersistedEvent) {
    if (event.type === 'message:new') onNew(event.conversationId, event.data.message)
    else if (event.type === 'message:updated') put(event.data.message)
    else if (event.type === 'message:deleted') messages.markDeleted(event.data.messageId)
    else void onConversation(event.data.conversation)
  }

  function ephemeral(event: ServerEvent) {
    if (event.type === 'conversation:removed') onRemoved(event.data.conversationId)
    // On the user's own channel, without a seq: a conversation they were just added to.
    else if (event.type === 'conversation:updated') void onConversation(event.data.conversation)
    else if (event.type === 'presence') rt.setPresence(event.data.userId, event.data.status, event.data.lastSeenAt)
    else if (event.type === 'typing' && event.data.userId !== me()) rt.setTyping(event.conversationId, event.data.userId, event.data.typing)
    else if (event.type === 'read') onRead(event.conversationId, event.data.userId, event.data.seq)
    else if (event.type === 'file:updated') onFile(event.data.file)
  }

  return { persisted, ephemeral, put, onRemoved }
}
