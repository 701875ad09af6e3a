/**
 * Bus channels: one per conversation (its events), two per project (members' presence) and one per user (their
 * sockets). A project's presence is split by who may see whom (contract §1): the presence of its owners and staff
 * goes to every member, that of its clients only to owners and staff, so no client learns of the other clients.
 */
export const conversationChannel = (conversationId: string) => `conv:${conversationId}`
export const teamPresenceChannel = (projectId: string) => `presence:${projectId}`
export const clientPresenceChannel = (projectId: string) => `presence:${projectId}:clients`
export const userChannel = (userId: string) => `user:${userId}`
