import { withinThrottle } from '../adapters/rate-limit'
import type { AuthUser } from '../domain/auth/users'
import { publishEphemeral } from '../domain/events/publish'

/** Contract §5: one typing broadcast per 2 s per user and conversation, `true` and `false` alike. */
const TYPING_WINDOW_SECONDS = 2

// A stop refused by the window is held, not dropped, and sent when the window ends: an indicator never sticks.
// Per instance: a user's typing for a conversation comes from the socket that types.
const heldStops = new Map<string, ReturnType<typeof setTimeout>>()

/**
 * Forwards a typing frame to the conversation within the budget. The caller has checked that the user may post
 * there (typing where you cannot post would be noise at everyone). Returns whether it went out now, or `held`
 * when it is a stop that goes out at the end of the window.
 */
export async function forwardTyping(user: AuthUser, conversationId: string, typing: boolean): Promise<{ forwarded: boolean, held?: boolean }> {
  const key = `${user.id}:${conversationId}`
  const publish = (value: boolean) => publishEphemeral({ type: 'typing', conversationId, data: { userId: user.id, typing: value } })
  const allowed = await withinThrottle('typing', key, 1, TYPING_WINDOW_SECONDS)
  // From here on nothing awaits, so frames racing each other cannot both hold a stop.
  const held = heldStops.get(key)
  if (held) {
    // Typing again, or a second stop: the held one is replaced by what this frame says.
    clearTimeout(held)
    heldStops.delete(key)
  }
  if (allowed) {
    publish(typing)
    return { forwarded: true }
  }
  if (typing) return { forwarded: false }
  heldStops.set(key, setTimeout(() => {
    heldStops.delete(key)
    publish(false)
  }, TYPING_WINDOW_SECONDS * 1000).unref())
  return { forwarded: false, held: true }
}
