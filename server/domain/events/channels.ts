/** Bus channels: one per conversation (its events), per project (members' presence) and per user (their sockets). */
export const conversationChannel = (conversationId: string) => `conv:${conversationId}`
export const presenceChannel = (projectId: string) => `presence:${projectId}`
export const userChannel = (userId: string) => `user:${userId}`
