import { usePresenceStore } from './presence'
import type { UserPresence } from './presence'

/** Presence for a list of users from the presence store (Redis or memory); offline when unknown. */
export async function getPresence(userIds: string[]): Promise<Record<string, UserPresence>> {
  if (userIds.length === 0) return {}
  try {
    return await usePresenceStore().get(userIds)
  } catch {
    // Presence is best-effort: a Redis outage must not break the member list.
    return {}
  }
}
