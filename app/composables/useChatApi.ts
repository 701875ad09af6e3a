import type { ConversationKind } from '#shared/schemas/conversations'

/**
 * Typed calls for contract §3–§4; stores and pages use these instead of raw URLs. Response types are not
 * declared here: Nitro infers each one from its handler in server/api (see ApiResponse in useApi.ts).
 */
export function useChatApi() {
  const api = useApi()
  const json = <M extends 'POST' | 'PATCH' | 'DELETE'>(method: M, body?: object) => ({ method, body })
  return {
    me: () => api('/me'),
    login: (email: string, password: string) => api('/auth/login', json('POST', { email, password })),
    logout: () => api('/auth/logout', json('POST', {})),
    completeSignup: (token: string, password: string) => api(`/auth/signup/${token}`, json('POST', { password })),
    redeemInvite: (token: string, body: { email?: string, password?: string, displayName?: string }) =>
      api(`/invites/${token}/redeem`, json('POST', body)),

    listProjects: () => api('/projects'),
    listMembers: (projectId: string) => api(`/projects/${projectId}/members`),
    listConversations: (projectId: string) => api(`/projects/${projectId}/conversations`),
    createConversation: (projectId: string, body: { title: string, kind: ConversationKind, participantIds: string[] }) =>
      api(`/projects/${projectId}/conversations`, json('POST', body)),
    getConversation: (id: string) => api(`/conversations/${id}`),

    listMessages: (conversationId: string, query: { before?: number, after?: number, limit?: number } = {}) =>
      api(`/conversations/${conversationId}/messages`, { query }),
    sendMessage: (conversationId: string, body: { clientId: string, content: string, replyToId?: string | null }) =>
      api(`/conversations/${conversationId}/messages`, json('POST', body)),
    editMessage: (id: string, content: string) => api(`/messages/${id}`, json('PATCH', { content })),
    deleteMessage: (id: string) => api(`/messages/${id}`, json('DELETE')),
    addReaction: (id: string, emoji: string) => api(`/messages/${id}/reactions`, json('POST', { emoji })),
    removeReaction: (id: string, emoji: string) =>
      api(`/messages/${id}/reactions/${encodeURIComponent(emoji)}`, json('DELETE')),
    markRead: (conversationId: string, seq: number) => api(`/conversations/${conversationId}/read`, json('POST', { seq }))
  }
}

export type ChatApi = ReturnType<typeof useChatApi>
type Answer<K extends keyof ChatApi> = Awaited<ReturnType<ChatApi[K]>>
export type ProjectMember = Answer<'listMembers'>['members'][number]
export type ConversationMember = Answer<'getConversation'>['members'][number]
