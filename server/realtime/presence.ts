import type { UserPresence } from '../adapters/presence/presence'
import { usePresence } from '../adapters/presence/use-presence'
import { publishPresence } from '../domain/events/publish'
import { listProjectIdsOf } from '../domain/projects/projects'

/** A user's aggregated presence across tabs, devices and instances; undefined when the store cannot say. */
export async function readPresence(userId: string): Promise<UserPresence | undefined> {
  const presence = await usePresence().get([userId]).catch(() => undefined)
  return presence?.[userId]
}

/**
 * Announces a user's presence to each of their projects. Callers pass what they already read (the presence
 * they just compared, the project ids they just listed), so opening or closing a socket reads each once.
 */
export async function broadcastPresence(userId: string, presence: UserPresence, projectIds?: string[]) {
  const ids = projectIds ?? await listProjectIdsOf(userId)
  publishPresence(ids, { type: 'presence', data: { userId, status: presence.status, lastSeenAt: presence.lastSeenAt } })
}
