import type { Conversation, Message, Project, PublicUser } from '#shared/types'
import type { ConversationKind } from '#shared/schemas/conversations'

export interface ProjectMember { userId: string, displayName: string, avatarUrl: string | null, role: string, presence?: string }
export interface ConversationMember { userId: string, displayName: string, role: string, lastReadSeq: number }
export interface HistoryPage { messages: Message[], hasMore: boolean }

/** Typed calls for contract §3–§4; stores and pages use these instead of raw URLs. */
export function useChatApi() {
  const api = useApi()
  const json = (method: string, body?: object) => ({ method, body })
  return {
    me: () => api<{ user: PublicUser }>('/me'),
    login: (email: string, password: string) =>
      api<{ user: PublicUser, token: string, expiresAt: string }>('/auth/login', json('POST', { email, password })),
    logout: () => api<{ ok: boolean }>('/auth/logout', json('POST', {})),

    listProjects: () => api<{ projects: Project[] }>('/projects'),
    listMembers: (projectId: string) => api<{ members: ProjectMember[] }>(`/projects/${projectId}/members`),
    listConversations: (projectId: string) =>
      api<{ conversations: Conversation[] }>(`/projects/${projectId}/conversations`),
    createConversation: (projectId: string, body: { title: string, kind: ConversationKind, participantIds: string[] }) =>
      api<{ conversation: Conversation }>(`/projects/${projectId}/conversations`, json('POST', body)),
    getConversation: (id: string) =>
      api<{ conversation: Conversation, members: ConversationMember[] }>(`/conversations/${id}`),

    listMessages: (conversationId: string, query: { before?: number, after?: number, limit?: number } = {}) =>
      api<HistoryPage>(`/conversations/${conversationId}/messages`, { query }),
    sendMessage: (conversationId: string, body: { clientId: string, content: string, replyToId?: string | null }) =>
      api<{ message: Message, duplicate?: boolean }>(`/conversations/${conversationId}/messages`, json('POST', body)),
    editMessage: (id: string, content: string) => api<{ message: Message }>(`/messages/${id}`, json('PATCH', { content })),
    deleteMessage: (id: string) => api<{ message: Message }>(`/messages/${id}`, json('DELETE')),
    addReaction: (id: string, emoji: string) =>
      api<{ message: Message }>(`/messages/${id}/reactions`, json('POST', { emoji })),
    removeReaction: (id: string, emoji: string) =>
      api<{ message: Message }>(`/messages/${id}/reactions/${encodeURIComponent(emoji)}`, json('DELETE')),
    markRead: (conversationId: string, seq: number) =>
      api<{ lastReadSeq: number }>(`/conversations/${conversationId}/read`, json('POST', { seq }))
  }
}

export type ChatApi = ReturnType<typeof useChatApi>
