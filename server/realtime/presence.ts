import type { UserPresence } from '../adapters/presence/presence'
import { usePresence } from '../adapters/presence/use-presence'
import { publishPresence } from '../domain/events/publish'
import type { ProjectMembership } from '../domain/projects/access'
import { listMembershipsOf } from '../domain/projects/projects'
import { useConfig } from '../platform/config'

/** A user's aggregated presence across tabs, devices and instances; undefined when the store cannot say. */
export async function readPresence(userId: string): Promise<UserPresence | undefined> {
  const presence = await usePresence().get([userId]).catch(() => undefined)
  return presence?.[userId]
}

/**
 * Announces a user's presence to each of their projects. Callers pass what they already read (the presence
 * they just compared, the project ids they just listed), so opening or closing a socket reads each once.
 */
export async function broadcastPresence(userId: string, presence: UserPresence, memberships?: ProjectMembership[]) {
  publishPresence(memberships ?? await listMembershipsOf(userId), { type: 'presence', data: { userId, status: presence.status, lastSeenAt: presence.lastSeenAt } })
}

/**
 * `presence` frames from a client, coalesced per user: the first change in a window is announced at once, the
 * rest of the window's changes become one announcement of where the user ended up when it closes (only if that
 * differs from what was last announced). 100 toggles are two presence events, not 100. Per instance: the frames
 * of one socket arrive at its instance.
 */
interface PresenceWindow { changed: boolean, announced?: string }
const windows = new Map<string, PresenceWindow>()

export function announcePresenceChange(userId: string) {
  const open = windows.get(userId)
  if (open) {
    open.changed = true
    return
  }
  const current: PresenceWindow = { changed: false }
  windows.set(userId, current)
  const announce = async () => {
    const presence = await readPresence(userId)
    if (!presence || presence.status === current.announced) return
    current.announced = presence.status
    await broadcastPresence(userId, presence)
  }
  const close = () => setTimeout(() => {
    if (!current.changed) return void windows.delete(userId)
    current.changed = false
    announce().catch(() => {}).finally(close)
  }, useConfig().realtime.presenceCoalesceMs).unref()
  announce().catch(() => {}).finally(close)
}
