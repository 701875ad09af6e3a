import { z } from 'zod'
import { QueryInt, SafeText, Uuid } from './common'

export const ConversationKind = z.enum(['project', 'support', 'announcement', 'group', 'dm'])
export type ConversationKind = z.infer<typeof ConversationKind>
export const ConversationStatus = z.enum(['active', 'locked', 'archived'])

export const IdParams = z.object({ id: Uuid })

export const CreateConversationBody = z.strictObject({
  title: SafeText(0, 200).optional(),
  kind: ConversationKind,
  participantIds: z.array(Uuid).max(500).default([])
})

export const ReadBody = z.strictObject({ seq: z.number().int().min(0).max(2_147_483_647) })

export const EventsQuery = z.strictObject({
  after: QueryInt(0, 2_147_483_647).default(0),
  limit: QueryInt(1, 1000).default(500)
})
