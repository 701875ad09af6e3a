import { defineStore } from 'pinia'
import type { EventOf } from '#shared/schemas/events'

export type RealtimeStatus = 'idle' | 'connecting' | 'open' | 'reconnecting' | 'offline'
export type PresenceStatus = EventOf<'presence'>['data']['status']
export interface PresenceEntry { status: PresenceStatus, lastSeenAt: string | null, at: number }

// Contract §5: a typing state expires after 6 s unless refreshed (senders refresh at most every 2 s).
const TYPING_TTL_MS = 6_000

const without = <T>(record: Record<string, T>, key: string) =>
  Object.fromEntries(Object.entries(record).filter(([k]) => k !== key))

/**
 * Live state of the socket (contract §5): connection status, the highest event seq applied per
 * conversation (the `sync` cursors), and the ephemeral streams: presence, typing and read marks.
 */
export const useRealtimeStore = defineStore('realtime', () => {
  const status = ref<RealtimeStatus>('idle')
  const online = ref(true)
  const connectionId = ref<string | null>(null)
  const heartbeatMs = ref(0)
  // Consecutive failed connection attempts: the exponent of the reconnect backoff.
  const attempt = ref(0)
  const seqs = ref<Record<string, number>>({})
  const presence = ref<Record<string, PresenceEntry>>({})
  const typing = ref<Record<string, Record<string, number>>>({})
  const reads = ref<Record<string, Record<string, number>>>({})
  const typingTimers = new Map<string, ReturnType<typeof setTimeout>>()

  function setPresence(userId: string, value: PresenceStatus, lastSeenAt: string | null = null, at = Date.now()) {
    presence.value[userId] = { status: value, lastSeenAt, at }
  }

  /** REST member lists seed presence, but never overwrite an event that arrived after the request left. */
  function seedPresence(members: Array<{ userId: string, presence?: string }>, requestedAt: number) {
    for (const m of members) {
      const known = presence.value[m.userId]
      if (known && known.at > requestedAt) continue
      const value = m.presence === 'online' || m.presence === 'away' ? m.presence : 'offline'
      setPresence(m.userId, value, known?.lastSeenAt ?? null, requestedAt)
    }
  }

  function setTyping(conversationId: string, userId: string, isTyping: boolean) {
    const key = `${conversationId}:${userId}`
    clearTimeout(typingTimers.get(key))
    typingTimers.delete(key)
    const users = typing.value[conversationId] ?? {}
    typing.value[conversationId] = isTyping ? { ...users, [userId]: Date.now() + TYPING_TTL_MS } : without(users, userId)
    if (!isTyping) return
    typingTimers.set(key, setTimeout(() => setTyping(conversationId, userId, false), TYPING_TTL_MS))
  }

  const typingIn = (conversationId: string) => Object.keys(typing.value[conversationId] ?? {})

  /** Read marks are monotonic, like the server's. */
  function noteRead(conversationId: string, userId: string, seq: number) {
    const marks = (reads.value[conversationId] ??= {})
    if (seq > (marks[userId] ?? 0)) marks[userId] = seq
  }

  const readSeqOf = (conversationId: string, userId: string) => reads.value[conversationId]?.[userId] ?? 0

  function forget(conversationId: string) {
    seqs.value = without(seqs.value, conversationId)
    typing.value = without(typing.value, conversationId)
    reads.value = without(reads.value, conversationId)
  }

  return {
    status, online, connectionId, heartbeatMs, attempt, seqs, presence, typing, reads,
    setPresence, seedPresence, setTyping, typingIn, noteRead, readSeqOf, forget
  }
})
