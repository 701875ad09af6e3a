import type { ConversationKind } from '#shared/schemas/conversations'
import type { FileInfo } from '#shared/types'

/** Where and how to PUT the bytes of a new file: straight to storage, signed, single-object (contract §4 Files). */
export interface UploadTicket { url: string, method: 'PUT', headers: Record<string, string>, expiresAt: string }
export interface SendMessageInput { clientId: string, content: string, replyToId?: string | null, type?: 'text' | 'file', fileIds?: string[] }

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
    sendMessage: (conversationId: string, body: SendMessageInput) =>
      api(`/conversations/${conversationId}/messages`, json('POST', body)),
    editMessage: (id: string, content: string) => api(`/messages/${id}`, json('PATCH', { content })),
    deleteMessage: (id: string) => api(`/messages/${id}`, json('DELETE')),
    addReaction: (id: string, emoji: string) => api(`/messages/${id}/reactions`, json('POST', { emoji })),
    removeReaction: (id: string, emoji: string) =>
      api(`/messages/${id}/reactions/${encodeURIComponent(emoji)}`, json('DELETE')),
    markRead: (conversationId: string, seq: number) => api(`/conversations/${conversationId}/read`, json('POST', { seq })),

    // Typed by hand: the client reads only these fields, whatever else the handlers add.
    createFile: (conversationId: string, body: { fileName: string, size: number, mimeType: string }) =>
      api(`/conversations/${conversationId}/files`, json('POST', body)) as Promise<{ file: FileInfo, upload: UploadTicket }>,
    completeFile: (id: string) => api(`/files/${id}/complete`, json('POST', {})) as Promise<{ file: FileInfo }>,
    getFile: (id: string) => api(`/files/${id}`) as Promise<{ file: FileInfo, downloadUrl?: string, expiresAt?: string }>,
    deleteFile: (id: string) => api(`/files/${id}`, json('DELETE')) as Promise<unknown>
  }
}

export type ChatApi = ReturnType<typeof useChatApi>
type Answer<K extends keyof ChatApi> = Awaited<ReturnType<ChatApi[K]>>
export type ProjectMember = Answer<'listMembers'>['members'][number]
export type ConversationMember = Answer<'getConversation'>['members'][number]
