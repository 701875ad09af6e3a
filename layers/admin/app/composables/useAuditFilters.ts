export const AUDIT_FILTER_KEYS = ['action', 'targetType', 'targetId', 'actorId', 'from', 'to'] as const
export type AuditFilterKey = typeof AUDIT_FILTER_KEYS[number]
export type AuditFilters = Partial<Record<AuditFilterKey, string>>

/** The audit log's filters ⇄ the URL query (see useListFilters). */
export const useAuditFilters = () => useListFilters(AUDIT_FILTER_KEYS)
