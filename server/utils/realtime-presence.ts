import { eq } from 'drizzle-orm'
import { projectMembers } from '../db/schema'
import { useBus } from './bus'
import { useDb } from './db'
import { usePresenceStore } from './presence'

/** The bus channel where presence of a project's members is announced (only people sharing a project see it). */
export const presenceChannel = (projectId: string) => `presence:${projectId}`
/** The per-user channel: conversations added or removed, notifications. */
export const userChannel = (userId: string) => `user:${userId}`

export async function listProjectIds(userId: string): Promise<string[]> {
  const db = await useDb()
  const rows = await db.select({ projectId: projectMembers.projectId }).from(projectMembers).where(eq(projectMembers.userId, userId))
  return rows.map(r => r.projectId)
}

/** Publishes a user's aggregated presence (across tabs, devices and instances) to each of their projects. */
export async function broadcastPresence(userId: string) {
  const presence = (await usePresenceStore().get([userId]))[userId] ?? { status: 'offline', lastSeenAt: null }
  const payload = { type: 'presence', data: { userId, status: presence.status, lastSeenAt: presence.lastSeenAt } }
  const bus = useBus()
  for (const projectId of await listProjectIds(userId)) await bus.publish(presenceChannel(projectId), JSON.stringify(payload))
}
