import { z } from 'zod'
import type { Conversation, FileInfo, Message } from '../types'
import { Uuid } from './common'

/**
 * Server → client frames of contract §5 and the bus envelopes between instances, as one discriminated union.
 * Frames from another process (Redis) or the server (in the browser) are parsed with these once, at the edge;
 * past that point code switches on `type` with no casts. Objects are loose: a field added to a wire type on
 * the server passes through untouched instead of being stripped.
 */
const Iso = z.string()
const Seq = z.number().int().positive()

const WireFile: z.ZodType<FileInfo> = z.looseObject({
  id: Uuid, conversationId: Uuid, messageId: Uuid.nullable(), fileName: z.string(), size: z.number(), mimeType: z.string(),
  sha256: z.string().nullable(), status: z.enum(['pending_upload', 'pending_scan', 'available', 'blocked']),
  virusScanned: z.boolean(), blockedReason: z.enum(['infected', 'type_mismatch', 'type_not_allowed', 'size_mismatch', 'empty']).nullable(),
  thumbnailUrl: z.string().optional(), createdAt: Iso
})
const WireMessage: z.ZodType<Message> = z.looseObject({
  id: Uuid, conversationId: Uuid, seq: Seq, senderId: Uuid, clientId: z.string(), type: z.enum(['text', 'file', 'system']),
  content: z.string().nullable(), replyToId: Uuid.nullable(), files: z.array(WireFile),
  reactions: z.array(z.looseObject({ emoji: z.string(), count: z.number(), userIds: z.array(Uuid) })),
  mentions: z.array(Uuid), createdAt: Iso, editedAt: Iso.nullable(), deletedAt: Iso.nullable()
})
const WireConversation: z.ZodType<Conversation> = z.looseObject({
  id: Uuid, projectId: Uuid, title: z.string(), kind: z.enum(['project', 'support', 'announcement', 'group', 'dm']),
  status: z.enum(['active', 'locked', 'archived']), lastSeq: z.number().int().min(0), lastMessageAt: Iso.nullable(),
  unreadCount: z.number(), mentionCount: z.number(), createdAt: Iso
})

export const MessageNewEvent = z.object({ type: z.literal('message:new'), conversationId: Uuid, seq: Seq, data: z.object({ message: WireMessage }) })
export const MessageUpdatedEvent = z.object({ type: z.literal('message:updated'), conversationId: Uuid, seq: Seq, data: z.object({ message: WireMessage }) })
export const MessageDeletedEvent = z.object({ type: z.literal('message:deleted'), conversationId: Uuid, seq: Seq, data: z.object({ messageId: Uuid }) })
/**
 * With a seq on the conversation's channel (title, status, participants; `removedUserIds` lose access). Without
 * one on a user's own channel: `added` tells their sockets to subscribe to a conversation they just joined.
 */
export const ConversationUpdatedEvent = z.object({
  type: z.literal('conversation:updated'), conversationId: Uuid.optional(), seq: Seq.optional(),
  data: z.object({ conversation: WireConversation, removedUserIds: z.array(Uuid).optional(), added: z.literal(true).optional() })
})
export const ConversationRemovedEvent = z.object({ type: z.literal('conversation:removed'), data: z.object({ conversationId: Uuid }) })
export const FileUpdatedEvent = z.object({ type: z.literal('file:updated'), conversationId: Uuid.optional(), data: z.object({ file: WireFile }) })
export const TypingEvent = z.object({ type: z.literal('typing'), conversationId: Uuid, data: z.object({ userId: Uuid, typing: z.boolean() }) })
export const ReadEvent = z.object({ type: z.literal('read'), conversationId: Uuid, data: z.object({ userId: Uuid, seq: z.number().int().min(0) }) })
export const PresenceEvent = z.object({
  type: z.literal('presence'),
  data: z.object({ userId: Uuid, status: z.enum(['online', 'away', 'offline']), lastSeenAt: Iso.nullable() })
})
export const NotificationEvent = z.object({
  type: z.literal('notification'),
  data: z.object({ title: z.string(), body: z.string(), link: z.string().nullable(), severity: z.string() })
})

/** Every event a socket can receive (contract §5 "Server → client"). */
export const ServerEvent = z.discriminatedUnion('type', [
  MessageNewEvent, MessageUpdatedEvent, MessageDeletedEvent, ConversationUpdatedEvent, ConversationRemovedEvent,
  FileUpdatedEvent, TypingEvent, ReadEvent, PresenceEvent, NotificationEvent
])
export type ServerEvent = z.infer<typeof ServerEvent>
export type ServerEventType = ServerEvent['type']
export type EventOf<T extends ServerEventType> = Extract<ServerEvent, { type: T }>

/**
 * Instance-to-instance instruction on a user's channel, never sent to a socket: close one of their sockets by
 * connection id (the per-user cap), or all of them with '*' (suspension).
 */
export const ControlEnvelope = z.object({
  type: z.literal('control'),
  data: z.object({ close: z.string().max(64), code: z.number().int().min(4000).max(4999), reason: z.string().max(100).optional() })
})
export const BusEnvelope = z.discriminatedUnion('type', [...ServerEvent.options, ControlEnvelope])
export type BusEnvelope = z.infer<typeof BusEnvelope>

/** A persisted change: stored in conversation_events with the conversation's next seq (contract §5 guarantee). */
export type PersistedEvent
  = | EventOf<'message:new'> | EventOf<'message:updated'> | EventOf<'message:deleted'>
    | (EventOf<'conversation:updated'> & { conversationId: string, seq: number })
export type PersistedEventType = PersistedEvent['type']
/** What a writer states once: the event without the conversation and seq, which the commit supplies. */
export type PersistedChange = PersistedEvent extends infer E ? E extends PersistedEvent ? Omit<E, 'conversationId' | 'seq'> : never : never

// The ready frame names the user without their email (docs/api.md, deviations): only what a client uses.
const ReadyUser = z.looseObject({
  id: Uuid, handle: z.string(), displayName: z.string(), avatarUrl: z.string().nullable(), role: z.enum(['admin', 'analyst', 'member'])
})
export const ReadyFrame = z.object({
  type: z.literal('ready'),
  data: z.object({ user: ReadyUser, connectionId: z.string(), heartbeatMs: z.number() })
})
const FrameError = z.looseObject({ code: z.string(), message: z.string() })
export const ReplyFrame = z.object({
  type: z.literal('reply'), id: z.string(), ok: z.boolean(), data: z.unknown().optional(), error: FrameError.optional()
})
export const ErrorFrame = z.object({ type: z.literal('error'), error: FrameError })

/** Everything the server sends on a socket. */
export const ServerFrame = z.discriminatedUnion('type', [...ServerEvent.options, ReadyFrame, ReplyFrame, ErrorFrame])
export type ServerFrame = z.infer<typeof ServerFrame>
export type FrameOf<T extends ServerFrame['type']> = Extract<ServerFrame, { type: T }>
