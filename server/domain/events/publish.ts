import type { BusEnvelope, EventOf, PersistedEvent } from '../../../shared/schemas/events'
import type { FileInfo } from '../../../shared/types'
import { useBus } from '../../adapters/bus/use-bus'
import { useLogger } from '../../platform/logger'
import { clientPresenceChannel, conversationChannel, teamPresenceChannel, userChannel } from './channels'
import type { ProjectMembership } from '../projects/access'

/**
 * Hands an event to the bus for live delivery, serialized once for every instance and socket. Never awaited by
 * a write: a slow or absent Redis must not delay or fail an ack. A lost publish of a persisted event is
 * recovered by the instances' sequencers (gap fill from conversation_events) and by clients through `sync`.
 */
function publish(channel: string, envelope: BusEnvelope) {
  useBus().publish(channel, JSON.stringify(envelope), envelope).catch((error: Error) => {
    useLogger().warn('live publish failed; clients will catch up through sync', { channel, error })
  })
}

/** After COMMIT only (commitChange calls it). */
export function publishPersisted(event: PersistedEvent) {
  publish(conversationChannel(event.conversationId), event)
}

/** Typing and read receipts: no seq, never stored, best-effort. */
export function publishEphemeral(event: EventOf<'typing'> | EventOf<'read'>) {
  publish(conversationChannel(event.conversationId), event)
}

/** To each user's own channel: a conversation they were added to (their sockets subscribe), a notification, or a control frame. */
export function publishToUsers(userIds: string[], envelope: EventOf<'conversation:updated'> | EventOf<'notification'> | Extract<BusEnvelope, { type: 'control' }>) {
  for (const userId of userIds) publish(userChannel(userId), envelope)
}

/** A user's aggregated presence, to each project they are in, on the channel their role there may be seen on. */
export function publishPresence(memberships: ProjectMembership[], event: EventOf<'presence'>) {
  for (const { projectId, role } of memberships) publish(role === 'client' ? clientPresenceChannel(projectId) : teamPresenceChannel(projectId), event)
}

/**
 * A file's scan result (`file:updated`, no seq): to the conversation once the file is in a message, else only
 * to its uploader's sockets, since nobody else knows of a file still in someone's composer.
 */
export function publishFileUpdated(file: FileInfo, uploaderId: string) {
  const event: EventOf<'file:updated'> = { type: 'file:updated', conversationId: file.conversationId, data: { file } }
  publish(file.messageId ? conversationChannel(file.conversationId) : userChannel(uploaderId), event)
}
