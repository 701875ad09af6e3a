import type { z } from 'zod'
import type {
  AdminConversationsQuery as ConversationsQuerySchema, AdminUsersQuery as UsersQuerySchema, AuditQuery as AuditQuerySchema
} from '#shared/schemas/admin'
import type { AdminFilesQuery as FilesQuerySchema } from '#shared/schemas/files'

/**
 * Typed calls for the admin APIs (docs/api.md, "Admin moderation as built"), through the root's useApi():
 * response types come from the handlers in server/api/admin, as Nitro infers them. Call in setup.
 */
export function useAdminApi() {
  const api = useApi()
  const json = <M extends 'POST' | 'PATCH' | 'DELETE'>(method: M, body: object) => ({ method, body })
  return {
    listAudit: (query: AuditQuery) => api('/admin/audit', { query }),
    listReports: (status?: ReportStatus) => api('/admin/reports', { query: status ? { status } : {} }),
    listUsers: (query: UsersQuery) => api('/admin/users', { query }),
    listConversations: (query: ConversationsQuery) => api('/admin/conversations', { query }),
    // The member endpoints answer admins for every project and conversation (docs/api.md): no admin copies.
    listProjectMembers: (projectId: string) => api(`/projects/${projectId}/members`),
    // Opening a report is itself audit-logged (report.view).
    getReport: (id: string) => api(`/admin/reports/${id}`),
    resolveReport: (id: string, body: { action: 'dismiss' | 'delete_message' | 'suspend_user', note?: string, until?: string }) =>
      api(`/admin/reports/${id}/resolve`, json('POST', body)),
    // Admins read any conversation through the member endpoint: its title, status and member names.
    getConversation: (id: string) => api(`/conversations/${id}`),
    // Admins get deleted messages with their bodies (and deletedAt set); `before` pages back by seq.
    listMessages: (id: string, query: { before?: number, limit?: number }) => api(`/conversations/${id}/messages`, { query }),

    deleteMessage: (id: string, reason: string) => api(`/admin/messages/${id}`, json('DELETE', { reason })),
    restoreMessage: (id: string, reason: string) => api(`/admin/messages/${id}/restore`, json('POST', { reason })),
    setConversationStatus: (id: string, status: ConversationStatus, reason: string) =>
      api(`/admin/conversations/${id}`, json('PATCH', { status, reason })),
    addParticipant: (id: string, body: { userId: string, role: 'owner' | 'member', reason?: string }) =>
      api(`/admin/conversations/${id}/participants`, json('POST', body)),
    removeParticipant: (id: string, userId: string, reason: string) =>
      api(`/admin/conversations/${id}/participants/${userId}`, { method: 'DELETE', query: { reason } }),
    createUser: (body: { email: string, displayName: string, role: UserRole }) => api('/admin/users', json('POST', body)),
    setUserRole: (id: string, role: UserRole, reason: string) => api(`/admin/users/${id}`, json('PATCH', { role, reason })),
    suspendUser: (id: string, body: { reason: string, until?: string }) => api(`/admin/users/${id}/suspend`, json('POST', body)),
    unsuspendUser: (id: string, reason: string) => api(`/admin/users/${id}/unsuspend`, json('POST', { reason })),
    listProjects: () => api('/projects'),
    listExports: (query: { cursor?: string, limit?: number } = {}) => api('/admin/exports', { query }),
    getExport: (id: string) => api(`/admin/exports/${id}`),
    // Every call is itself audit-logged (files.view): the list names files people may not have meant for admins.
    listFiles: (query: FilesQuery) => api('/admin/files', { query }),
    deleteFile: (id: string, reason: string) => api(`/admin/files/${id}`, json('DELETE', { reason })),

    getAnalytics: (query: AnalyticsFilters) => api('/admin/analytics', { query }),
    listAnalyticsConversations: (query: AnalyticsFilters & { day?: string }) => api('/admin/analytics/conversations', { query }),
    listAnalyticsProjects: () => api('/admin/analytics/projects'),
    refreshAnalytics: () => api('/admin/analytics/refresh', { method: 'POST' })
  }
}

export type AdminApi = ReturnType<typeof useAdminApi>
type Answer<K extends keyof AdminApi> = Awaited<ReturnType<AdminApi[K]>>
export type AuditEntry = Answer<'listAudit'>['entries'][number]
export type AdminReport = Answer<'listReports'>['reports'][number]
export type ExportRun = Answer<'getExport'>['export']
export type AnalyticsSummary = Answer<'getAnalytics'>
export type AnalyticsConversation = Answer<'listAnalyticsConversations'>['conversations'][number]
/** The dashboard's filters, as GET /admin/analytics takes them (days are UTC YYYY-MM-DD). */
export interface AnalyticsFilters { projectId?: string, from?: string, to?: string, kind?: ConversationKind }
export type ConversationKind = 'project' | 'support' | 'announcement' | 'group' | 'dm'
export type ReportStatus = 'open' | 'resolved' | 'dismissed'
export type AdminUser = Answer<'listUsers'>['users'][number]
export type AdminConversation = Answer<'listConversations'>['conversations'][number]
export type QuarantineFile = Answer<'listFiles'>['files'][number]
export type ConversationDetail = Answer<'getConversation'>
export type AdminMessage = Answer<'listMessages'>['messages'][number]
export type ProjectMember = Answer<'listProjectMembers'>['members'][number]
export type UserRole = 'admin' | 'analyst' | 'member'
export type ConversationStatus = 'active' | 'locked' | 'archived'

// The server's query keys with values as the URL holds them (any text: the API validates and says what is wrong).
type UrlQuery<S extends z.ZodType> = { [K in Exclude<keyof z.input<S>, 'limit'>]?: string } & { limit?: number }
export type UsersQuery = UrlQuery<typeof UsersQuerySchema>
export type ConversationsQuery = UrlQuery<typeof ConversationsQuerySchema>
export type FilesQuery = UrlQuery<typeof FilesQuerySchema>

/** GET /admin/audit's filters, from the server's own query schema (limit as a number, not query text). */
export type AuditQuery = Omit<z.input<typeof AuditQuerySchema>, 'limit'> & { limit?: number }

/** The actions the server writes so far (docs/api.md); the filter also takes any other. */
export const AUDIT_ACTIONS = [
  'project.create', 'member.add', 'member.remove', 'invite.create', 'invite.redeem', 'conversation.create',
  'participant.add', 'participant.remove', 'message.delete', 'message.restore', 'conversation.lock',
  'conversation.archive', 'conversation.reactivate', 'user.create', 'user.signup', 'user.role', 'user.suspend',
  'user.unsuspend', 'report.view', 'report.resolve', 'conversation.export', 'project.export', 'file.blocked',
  'files.view', 'file.delete'
] as const
export const AUDIT_TARGET_TYPES = ['project', 'user', 'invite', 'conversation', 'message', 'report', 'file'] as const

/** The users and conversations lists' filters, as their URL query keys (the API's own parameter names). */
export const USER_FILTER_KEYS = ['q', 'role', 'suspended'] as const
export type UserFilters = Partial<Record<typeof USER_FILTER_KEYS[number], string>>
export const CONVERSATION_FILTER_KEYS = ['projectId', 'userId', 'status', 'q'] as const
export type ConversationFilters = Partial<Record<typeof CONVERSATION_FILTER_KEYS[number], string>>
/** The quarantine's filters; no `status` in the URL means blocked, the API's default. */
export const FILE_FILTER_KEYS = ['status', 'projectId'] as const
export type FileFilters = Partial<Record<typeof FILE_FILTER_KEYS[number], string>>
