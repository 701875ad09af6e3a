import type { Ref } from 'vue'

// Contract §5: typing is forwarded at most once per 2 s; refreshing at that pace keeps the 6 s expiry away.
const TYPING_EVERY_MS = 2_000

/** Tells the conversation while the draft has text, and stops when it empties, blurs or the composer goes. */
export function useTypingNotifier(conversationId: () => string, draft: Ref<string>) {
  const realtime = useRealtime()
  let typingSentAt = 0

  function stop() {
    if (!typingSentAt) return
    typingSentAt = 0
    realtime.notify('typing', { conversationId: conversationId(), typing: false })
  }

  watch(draft, (value) => {
    if (!value.trim()) return stop()
    if (Date.now() - typingSentAt < TYPING_EVERY_MS) return
    if (realtime.notify('typing', { conversationId: conversationId(), typing: true })) typingSentAt = Date.now()
  })
  onBeforeUnmount(stop)
  return { stop }
}
