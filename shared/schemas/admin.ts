import { z } from 'zod'
import { DisplayName, QueryInt, SafeText, Uuid } from './common'
import { Email } from './auth'
import { ConversationStatus } from './conversations'

/** Every destructive admin action states why; the reason goes to the audit log. */
export const Reason = SafeText(1, 500)

export const AdminDeleteMessageBody = z.strictObject({ reason: Reason })
export const AdminRestoreMessageBody = z.strictObject({ reason: Reason.optional() })
export const AdminConversationBody = z.strictObject({ status: ConversationStatus, reason: Reason.optional() })
export const SuspendUserBody = z.strictObject({
  // Without `until` the suspension lasts until an admin lifts it.
  until: z.iso.datetime({ offset: true }).optional(),
  reason: Reason
})
export const UnsuspendUserBody = z.strictObject({ reason: Reason.optional() })

export const AuditQuery = z.strictObject({
  actorId: Uuid.optional(),
  targetType: z.string().regex(/^[a-z_]{1,40}$/).optional(),
  targetId: z.string().min(1).max(100).optional(),
  action: z.string().regex(/^[a-z_.]{1,60}$/).optional(),
  from: z.iso.datetime({ offset: true }).optional(),
  to: z.iso.datetime({ offset: true }).optional(),
  cursor: z.string().regex(/^[\w-]{1,200}$/).optional(),
  limit: QueryInt(1, 200).default(50)
})

export const ResolveReportBody = z.strictObject({
  action: z.enum(['dismiss', 'delete_message', 'suspend_user']),
  note: SafeText(0, 1000).optional(),
  /** With `suspend_user` only: the suspension's end (without it, until an admin lifts it). */
  until: z.iso.datetime({ offset: true }).optional()
}).refine(b => !b.until || b.action === 'suspend_user', { path: ['until'], message: 'only with suspend_user' })

export const AddParticipantBody = z.strictObject({ userId: Uuid, role: z.enum(['owner', 'member']).default('member'), reason: Reason.optional() })
export const ParticipantParams = z.object({ id: Uuid, userId: Uuid })

export const AdminUsersQuery = z.strictObject({
  q: z.string().max(100).optional(),
  role: z.enum(['admin', 'analyst', 'member']).optional(),
  suspended: z.enum(['true', 'false']).optional(),
  cursor: z.string().regex(/^[\w-]{1,200}$/).optional(),
  limit: QueryInt(1, 200).default(50)
})
export const UpdateUserBody = z.strictObject({ role: z.enum(['admin', 'analyst', 'member']), reason: Reason.optional() })

export const AdminConversationsQuery = z.strictObject({
  projectId: Uuid.optional(),
  userId: Uuid.optional(),
  status: ConversationStatus.optional(),
  q: z.string().max(100).optional(),
  cursor: z.string().regex(/^[\w-]{1,200}$/).optional(),
  limit: QueryInt(1, 200).default(50)
})

export const CreateUserBody = z.strictObject({
  email: Email,
  displayName: DisplayName,
  role: z.enum(['admin', 'analyst', 'member']).default('member')
})

export const ExportFormat = z.enum(['json', 'ndjson', 'csv', 'zip'])
export type ExportFormat = z.infer<typeof ExportFormat>

const ExportRange = {
  from: z.iso.datetime({ offset: true }).optional(),
  to: z.iso.datetime({ offset: true }).optional(),
  /** Chosen by the caller so it can poll `GET /admin/exports/:id` for progress while the download streams. */
  exportId: Uuid.optional()
}
const fromBeforeTo = (q: { from?: string, to?: string }) => !q.from || !q.to || Date.parse(q.from) <= Date.parse(q.to)

/** `from` / `to` bound the messages' createdAt, both inclusive. */
export const ExportQuery = z.strictObject({ format: ExportFormat.default('json'), ...ExportRange })
  .refine(fromBeforeTo, { path: ['to'], message: 'must not be before from' })

/** A project exports as one zip: a bundle per conversation inside it would not be one file otherwise. */
export const ProjectExportQuery = z.strictObject({ format: z.literal('zip').default('zip'), ...ExportRange })
  .refine(fromBeforeTo, { path: ['to'], message: 'must not be before from' })

export const ExportRunsQuery = z.strictObject({
  targetId: Uuid.optional(),
  cursor: z.string().max(200).optional(),
  limit: QueryInt(1, 200).default(20)
})
