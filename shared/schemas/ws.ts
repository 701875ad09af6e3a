import { z } from 'zod'
import { Uuid } from './common'
import { EMPTY_MESSAGE, Emoji, MessageContent, SendMessageFields, hasContentOrFiles } from './messages'

/** Contract §5 client frames: one discriminated union, so a frame is either fully valid or answered with an error. */
const Ref = z.string().min(1).max(64).optional()
const Ids = z.array(Uuid).max(1000)

export const ClientFrame = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('subscribe'), id: Ref, data: z.strictObject({ conversationIds: Ids }) }),
  z.strictObject({ type: z.literal('unsubscribe'), id: Ref, data: z.strictObject({ conversationIds: Ids }) }),
  z.strictObject({
    type: z.literal('sync'), id: Ref,
    data: z.strictObject({ cursors: z.record(Uuid, z.number().int().min(0).max(2_147_483_647)) })
      .refine(d => Object.keys(d.cursors).length <= 1000, 'at most 1000 cursors')
  }),
  z.strictObject({
    type: z.literal('message:send'), id: Ref,
    data: z.strictObject({ conversationId: Uuid, ...SendMessageFields }).refine(hasContentOrFiles, EMPTY_MESSAGE)
  }),
  z.strictObject({ type: z.literal('message:edit'), id: Ref, data: z.strictObject({ messageId: Uuid, content: MessageContent }) }),
  z.strictObject({ type: z.literal('message:delete'), id: Ref, data: z.strictObject({ messageId: Uuid }) }),
  z.strictObject({ type: z.literal('reaction:add'), id: Ref, data: z.strictObject({ messageId: Uuid, emoji: Emoji }) }),
  z.strictObject({ type: z.literal('reaction:remove'), id: Ref, data: z.strictObject({ messageId: Uuid, emoji: Emoji }) }),
  z.strictObject({ type: z.literal('typing'), id: Ref, data: z.strictObject({ conversationId: Uuid, typing: z.boolean() }) }),
  z.strictObject({ type: z.literal('read'), id: Ref, data: z.strictObject({ conversationId: Uuid, seq: z.number().int().min(0).max(2_147_483_647) }) }),
  z.strictObject({ type: z.literal('presence'), id: Ref, data: z.strictObject({ status: z.enum(['online', 'away']) }) }),
  z.strictObject({ type: z.literal('ping'), id: Ref, data: z.strictObject({}).default({}) })
])
export type ClientFrame = z.infer<typeof ClientFrame>
