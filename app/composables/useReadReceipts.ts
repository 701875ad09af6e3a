import type { MaybeRefOrGetter } from 'vue'
import type { ConversationMember } from './useChatApi'

/**
 * Role-aware read receipts, keyed by the seq of the message they go under. Staff and owners (and admins)
 * see which clients have read up to where ("Seen by Carl, Dana" under the last message each has read);
 * clients only learn that the team has read it ("Seen by the team"), never which staff member.
 */
export function useReadReceipts(conversationId: string, members: MaybeRefOrGetter<ConversationMember[] | undefined>, viewerIsTeam: MaybeRefOrGetter<boolean>) {
  const auth = useAuthStore()
  const rt = useRealtimeStore()
  const messages = useMessagesStore()

  const readSeq = (m: ConversationMember) => Math.max(m.lastReadSeq ?? 0, rt.readSeqOf(conversationId, m.userId))

  /** The newest message at or below a read mark: that is where the receipt is drawn. */
  function anchor(seq: number): number | undefined {
    const list = messages.list(conversationId)
    for (let i = list.length - 1; i >= 0; i--) if (list[i]!.seq <= seq) return list[i]!.seq
    return undefined
  }

  return computed<Record<number, string>>(() => {
    const others = (toValue(members) ?? []).filter(m => m.userId !== auth.user?.id)
    const receipts: Record<number, string> = {}
    if (toValue(viewerIsTeam)) {
      const byAnchor = new Map<number, string[]>()
      for (const m of others.filter(m => m.role === 'client')) {
        const at = anchor(readSeq(m))
        if (at !== undefined && readSeq(m) > 0) byAnchor.set(at, [...(byAnchor.get(at) ?? []), m.displayName])
      }
      for (const [seq, names] of byAnchor) receipts[seq] = `Seen by ${names.join(', ')}`
      return receipts
    }
    const team = Math.max(0, ...others.filter(m => m.role !== 'client').map(readSeq))
    const at = team > 0 ? anchor(team) : undefined
    if (at !== undefined) receipts[at] = 'Seen by the team'
    return receipts
  })
}
