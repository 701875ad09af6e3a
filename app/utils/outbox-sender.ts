import type { Message } from '#shared/types'
import type { OutboxItem } from '../stores/outbox'

export interface OutboxTransport {
  ready: () => boolean
  request: <T>(type: string, data: object) => Promise<T>
}

export class RealtimeRequestError extends Error {
  constructor(readonly code: string, message: string, readonly data: Record<string, unknown> = {}) {
    super(message)
    this.name = 'RealtimeRequestError'
  }
}

const outcomeOf = (error: unknown) => error instanceof RealtimeRequestError || isApiError(error)
  ? sendOutcome(error.code, error.message, error.data)
  : sendOutcome('unknown')

/** Full jitter (https://aws.amazon.com/blogs/architecture/exponential-backoff-and-jitter/), capped at 30 s. */
export function backoffDelay(attempt: number, baseMs = 500, capMs = 30_000) {
  return Math.random() * Math.min(capMs, baseMs * 2 ** Math.min(attempt, 16))
}

/**
 * Delivers the outbox one message at a time, oldest first (so order is kept): over the socket when it is
 * up, else over REST. Both are idempotent on clientId, so a retry after a lost reply is answered with
 * the original message and never makes a second one.
 */
export function createOutboxSender(transport: OutboxTransport) {
  const outbox = useOutboxStore()
  const chat = useChatApi()
  const apply = createEventApplier()
  const conversations = useConversationsStore()
  const uploads = useUploadsStore()
  let running = false
  let failures = 0
  let retryTimer: ReturnType<typeof setTimeout> | undefined

  async function deliver(item: OutboxItem): Promise<Message> {
    const fileIds = item.files?.map(f => f.id) ?? []
    const body = fileIds.length
      ? { clientId: item.clientId, content: item.content, replyToId: item.replyToId, type: 'file' as const, fileIds }
      : { clientId: item.clientId, content: item.content, replyToId: item.replyToId }
    const reply = transport.ready()
      ? await transport.request<{ message: Message }>('message:send', { conversationId: item.conversationId, ...body })
      : await chat.sendMessage(item.conversationId, body)
    return reply.message
  }

  /** A message sent while some of its files were uploading waits for them (keeping the order behind it). */
  function settleUploads(item: OutboxItem): 'ready' | 'waiting' | 'failed' {
    const keys = item.uploads ?? []
    if (!keys.length) return 'ready'
    const held = keys.map(k => uploads.get(k))
    const broken = held.find(u => !u || u.state === 'failed' || u.file?.status === 'blocked')
    if (broken !== undefined || held.includes(undefined)) {
      const reason = broken?.error?.text ?? (broken?.file?.status === 'blocked' ? 'blocked by the scanner' : 'removed')
      outbox.update(item.clientId, { state: 'failed', error: `${broken?.fileName ?? 'an attachment'} did not upload (${reason})` })
      return 'failed'
    }
    if (held.some(u => u!.state !== 'done')) return 'waiting'
    outbox.update(item.clientId, { files: [...(item.files ?? []), ...uploads.claim(keys)], uploads: [] })
    return 'ready'
  }

  async function flush() {
    if (running) return
    running = true
    clearTimeout(retryTimer)
    try {
      for (;;) {
        const item = outbox.items.find(i => i.state !== 'failed')
        if (!item || (!transport.ready() && !navigator.onLine)) break
        // A rate limit holds the whole queue (order is kept) until the server's retryAfterMs has passed,
        // whatever else (a reconnect, going online) asks for a flush meanwhile.
        const wait = item.state === 'waiting' ? (item.retryAt ?? 0) - Date.now() : 0
        if (wait > 0) {
          retryTimer = setTimeout(flush, wait)
          break
        }
        const attachments = settleUploads(item)
        if (attachments === 'failed') continue
        if (attachments === 'waiting') break
        try {
          const message = await deliver(item)
          failures = 0
          apply.put(message)
          conversations.noteMessage(message.conversationId, message.seq, message.createdAt)
          outbox.remove(item.clientId)
        } catch (error) {
          const outcome = outcomeOf(error)
          if (outcome.kind === 'failed') {
            outbox.update(item.clientId, { state: 'failed', error: outcome.text, retryAt: undefined })
            continue
          }
          if (outcome.kind === 'wait') {
            outbox.update(item.clientId, { state: 'waiting', retryAt: Date.now() + outcome.ms })
            retryTimer = setTimeout(flush, outcome.ms)
            break
          }
          outbox.update(item.clientId, { state: 'retrying', retryAt: undefined })
          retryTimer = setTimeout(flush, backoffDelay(failures++, 1_000))
          break
        }
      }
    } finally {
      running = false
    }
  }

  return { flush }
}
