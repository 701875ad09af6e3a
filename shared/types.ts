/** Wire shapes of contract §3–§4, shared by the app, the server and the tests. */
import type { BlockedReason } from './files'

export type GlobalRole = 'admin' | 'analyst' | 'member'

export interface PublicUser {
  id: string
  email: string
  handle: string
  displayName: string
  avatarUrl: string | null
  role: GlobalRole
}

export interface Project {
  id: string
  slug: string
  name: string
  role: 'owner' | 'staff' | 'client' | null
  /** GET /api/projects (extension): unread messages and unread mentions over the caller's own conversations. */
  unreadCount: number
  mentionCount: number
}

export interface Conversation {
  id: string
  projectId: string
  title: string
  kind: 'project' | 'support' | 'announcement' | 'group' | 'dm'
  status: 'active' | 'locked' | 'archived'
  lastSeq: number
  lastMessageAt: string | null
  unreadCount: number
  mentionCount: number
  createdAt: string
}

export interface Reaction { emoji: string, count: number, userIds: string[] }

export interface FileInfo {
  id: string
  conversationId: string
  messageId: string | null
  fileName: string
  size: number
  mimeType: string
  sha256: string | null
  status: 'pending_upload' | 'pending_scan' | 'available' | 'blocked'
  /** Extension: true once clamd passed the bytes; false where no virus scanner is configured (type/size checks only). */
  virusScanned: boolean
  /** Extension: why a blocked file was blocked; null otherwise. */
  blockedReason: BlockedReason | null
  /** A signed URL (5 min) of a small preview, for available images only. */
  thumbnailUrl?: string
  createdAt: string
}

export interface Message {
  id: string
  conversationId: string
  seq: number
  senderId: string
  clientId: string
  type: 'text' | 'file' | 'system'
  content: string | null
  replyToId: string | null
  files: FileInfo[]
  reactions: Reaction[]
  mentions: string[]
  createdAt: string
  editedAt: string | null
  deletedAt: string | null
}

/** A message as frozen into a report's evidence (no reactions, files or mentions: those are listed apart). */
export type EvidenceMessage = Pick<Message, 'id' | 'seq' | 'senderId' | 'type' | 'content' | 'replyToId' | 'createdAt' | 'editedAt' | 'deletedAt'>

/** What moderators see of a report (GET /admin/reports), copied when it was made: later edits and deletes do not change it. */
export interface ReportEvidence {
  frozenAt: string
  message: EvidenceMessage
  editHistory: { previousContent: string, editedBy: string, editedAt: string }[]
  /** Up to 20 messages on each side, oldest first. */
  contextBefore: EvidenceMessage[]
  contextAfter: EvidenceMessage[]
  files: Pick<FileInfo, 'id' | 'fileName' | 'size' | 'mimeType' | 'sha256' | 'status'>[]
}

// Event shapes (server → client frames, bus envelopes) are the zod union in ./schemas/events.ts.
