import { z } from 'zod'
import { reactionEmoji } from '../emoji'
import { GraphemeText, QueryInt, SafeText, Uuid } from './common'

/** Default of contract §6; the server re-checks against MESSAGE_MAX_CHARS. */
export const MESSAGE_MAX_CHARS = 5000

export const ClientId = z.string().min(1).max(100).regex(/^[\w.:-]+$/, 'clientId must be letters, digits, _ . : -')
export const MessageContent = GraphemeText(1, MESSAGE_MAX_CHARS)

/** The fields of a send, over REST and over the socket. A caption may be empty when files are attached. */
export const SendMessageFields = {
  clientId: ClientId,
  content: GraphemeText(0, MESSAGE_MAX_CHARS),
  type: z.enum(['text', 'file']).default('text'),
  replyToId: Uuid.nullish(),
  fileIds: z.array(Uuid).max(10).optional()
}
export const hasContentOrFiles = (d: { content: string, fileIds?: string[] }) => d.content.length > 0 || (d.fileIds?.length ?? 0) > 0
export const EMPTY_MESSAGE = { path: ['content'], message: 'content must not be empty unless files are attached' }

export const SendMessageBody = z.strictObject(SendMessageFields).refine(hasContentOrFiles, EMPTY_MESSAGE)

export const EditMessageBody = z.strictObject({ content: MessageContent })

// One emoji of Unicode's recommended set, stored in canonical spelling (so `👍️` and `👍` are one reaction).
export const Emoji = z.string().min(1).max(64).transform((s, ctx) => {
  const emoji = reactionEmoji(s)
  if (emoji === undefined) ctx.addIssue({ code: 'custom', message: 'not an emoji' })
  return emoji ?? z.NEVER
})
export const ReactionBody = z.strictObject({ emoji: Emoji })
export const ReactionParams = z.object({ id: Uuid, emoji: Emoji })

export const HistoryQuery = z.strictObject({
  before: QueryInt(1, 2_147_483_647).optional(),
  after: QueryInt(0, 2_147_483_647).optional(),
  limit: QueryInt(1, 100).default(50)
}).refine(q => q.before === undefined || q.after === undefined, 'use before or after, not both')

export const ReportBody = z.strictObject({
  reason: z.enum(['spam', 'abuse', 'harassment', 'illegal', 'other']),
  description: SafeText(0, 2000).optional()
})
