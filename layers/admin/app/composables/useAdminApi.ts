import type { z } from 'zod'
import type { AuditQuery as AuditQuerySchema } from '#shared/schemas/admin'

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
    // Opening a report is itself audit-logged (report.view).
    getReport: (id: string) => api(`/admin/reports/${id}`),
    resolveReport: (id: string, body: { action: 'dismiss' | 'delete_message' | 'suspend_user', note?: string, until?: string }) =>
      api(`/admin/reports/${id}/resolve`, json('POST', body)),
    // Admins read any conversation through the member endpoint: its title, status and member names.
    getConversation: (id: string) => api(`/conversations/${id}`),

    deleteMessage: (id: string, reason: string) => api(`/admin/messages/${id}`, json('DELETE', { reason })),
    setConversationStatus: (id: string, status: 'active' | 'locked' | 'archived', reason: string) =>
      api(`/admin/conversations/${id}`, json('PATCH', { status, reason })),
    suspendUser: (id: string, body: { reason: string, until?: string }) => api(`/admin/users/${id}/suspend`, json('POST', body)),

    // Admins see every project through the member endpoint.
    listProjects: () => api('/projects'),
    listConversationsOf: (projectId: string) => api('/admin/conversations', { query: { projectId, limit: 200 } }),
    listExports: (query: { cursor?: string, limit?: number } = {}) => api('/admin/exports', { query }),
    getExport: (id: string) => api(`/admin/exports/${id}`),

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

/** GET /admin/audit's filters, from the server's own query schema (limit as a number, not query text). */
export type AuditQuery = Omit<z.input<typeof AuditQuerySchema>, 'limit'> & { limit?: number }

/** The actions the server writes so far (docs/api.md); the filter also takes any other. */
export const AUDIT_ACTIONS = [
  'project.create', 'member.add', 'member.remove', 'invite.create', 'invite.redeem', 'conversation.create',
  'participant.add', 'participant.remove', 'message.delete', 'message.restore', 'conversation.lock',
  'conversation.archive', 'conversation.reactivate', 'user.create', 'user.signup', 'user.role', 'user.suspend',
  'user.unsuspend', 'report.view', 'report.resolve', 'conversation.export', 'project.export'
] as const
export const AUDIT_TARGET_TYPES = ['project', 'user', 'invite', 'conversation', 'message', 'report'] as const
