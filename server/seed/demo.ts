import { and, eq, gt, sql } from 'drizzle-orm'
import type { Database } from '../adapters/database/database'
import { useDb } from '../adapters/database/use-database'
import { useLogger } from '../platform/logger'
import type { AuthUser } from '../domain/auth/users'
import { createConversation } from '../domain/conversations/conversations'
import { commitNewMessage, deleteMessage, editMessage, resolveMentions } from '../domain/messages/messages'
import { setReaction } from '../domain/reactions/reactions'
import { conversations, messages, projectMembers, projects } from '../db/schema'
import { refreshAnalytics } from '../domain/analytics/refresh'
import { ensureAccount } from './accounts'
import { seedHistory } from './history'

/** Every demo account signs in with this password (README "Demo sign-ins"); embedded default only. */
export const DEMO_PASSWORD = 'switchboard-demo'
// The live-seeded messages are spaced this far apart, newest a few minutes ago; the history ends before them.
const SPACING_MINUTES = 37

const PROJECTS = [
  {
    slug: 'acme-redesign', name: 'Acme website redesign', domain: 'acme.test',
    people: [['olivia', 'Olivia Owens', 'owner'], ['sam', 'Sam Staff', 'staff'], ['priya', 'Priya Patel', 'staff'],
      ['carl', 'Carl Client', 'client'], ['dana', 'Dana Diaz', 'client']] as const
  },
  {
    slug: 'globex-support', name: 'Globex support retainer', domain: 'globex.test',
    people: [['grace', 'Grace Hopper', 'owner'], ['tom', 'Tom Tech', 'staff'], ['hank', 'Hank Scorpio', 'client'],
      ['lisa', 'Lisa Lee', 'client']] as const
  }
]

const LINES = [
  'Morning all — quick update on where we are this week.',
  'The staging build is up: https://staging.example.com/preview',
  'Can we move the review to Thursday? Wednesday is packed on our side.',
  'Thursday works for us.',
  'I left comments on the homepage mock, mostly spacing and the hero copy.',
  'Thanks! We will fold those into the next round.',
  'Is the contact form sending to the sales inbox or to support?',
  'Sales for now; we can split it by topic later.',
  'Heads up: the CDN cache will be purged tonight around 22:00 UTC.',
  'Invoice for October is attached in the portal.',
  'Could someone check the mobile menu on iOS Safari? It jumps on scroll.',
  'Reproduced it — fix is in review.',
  'Great, thanks for the quick turnaround.',
  'We need the final logo files in SVG please.',
  'Uploaded them to the shared folder.',
  'Accessibility audit came back: 3 contrast issues, all minor.',
  'Let us fix those before launch.',
  'Launch checklist is 80% done.',
  'Do we have sign-off on the pricing page copy?',
  'Yes, approved by marketing this morning.'
]

/** Two demo projects with people of every role and conversations of every kind (embedded default only). */
export async function seedDemoData(db: Database) {
  let seeded = false
  for (const spec of PROJECTS) {
    const [exists] = await db.select({ id: projects.id }).from(projects).where(eq(projects.slug, spec.slug))
    if (exists) continue
    seeded = true
    const [project] = await db.insert(projects).values({ slug: spec.slug, name: spec.name }).returning()
    const people: Record<string, AuthUser & { projectRole: string }> = {}
    for (const [handle, displayName, role] of spec.people) {
      const row = await ensureAccount(db, { email: `${handle}@${spec.domain}`, password: DEMO_PASSWORD, displayName, handle, role: 'member' })
      await db.insert(projectMembers).values({ projectId: project!.id, userId: row.id, role }).onConflictDoNothing()
      people[handle] = { id: row.id, email: row.email, handle: row.handle, displayName: row.displayName, avatarUrl: null, role: 'member', sessionId: null, suspendedUntil: null, projectRole: role }
    }
    const all = Object.values(people)
    const owner = all.find(p => p.projectRole === 'owner')!
    const staff = all.filter(p => p.projectRole !== 'client')
    const clients = all.filter(p => p.projectRole === 'client')
    const others = (ids: AuthUser[]) => ids.filter(p => p.id !== owner.id).map(p => p.id)
    const kinds = [
      { title: 'General', kind: 'project' as const, members: all, messages: 180 },
      { title: 'Support', kind: 'support' as const, members: [...staff, ...clients], messages: 60 },
      { title: 'Announcements', kind: 'announcement' as const, members: all, messages: 8, posters: [owner] },
      { title: 'Design review', kind: 'group' as const, members: [owner, staff[1] ?? staff[0]!, clients[0]!], messages: 40 }
    ]
    for (const k of kinds) {
      const { conversation } = await createConversation(owner, project!.id, { title: k.title, kind: k.kind, participantIds: others(k.members) })
      const history = await seedHistory(db, conversation, k.posters ?? k.members, historyEnd(k.messages))
      await seedMessages(conversation.id, k.posters ?? k.members, k.messages, history)
    }
    // History only, ending with a question nobody has answered yet: the dashboard's unanswered threads.
    const billing = [...staff, clients.at(-1)!]
    const { conversation: escalation } = await createConversation(owner, project!.id, { title: 'Billing escalation', kind: 'support', participantIds: others(billing) })
    await seedHistory(db, escalation, billing, Date.now(), { waiting: true })
    const { conversation: dm } = await createConversation(clients[0]!, project!.id, { kind: 'dm', participantIds: [owner.id] })
    const dmHistory = await seedHistory(db, dm, [clients[0]!, owner], historyEnd(24))
    await seedMessages(dm.id, [clients[0]!, owner], 24, dmHistory)
    // The demo password is public (README) and only ever set on the embedded default.
    useLogger().info(`demo project "${spec.name}" seeded: sign in as ${spec.people.map(p => `${p[0]}@${spec.domain}`).join(', ')} / ${DEMO_PASSWORD}`)
  }
  // The dashboard shows the demo at once instead of after the first scheduled refresh.
  if (seeded) await refreshAnalytics('seed')
}

/** Where a conversation's history stops: an hour before its oldest live-seeded message. */
const historyEnd = (liveMessages: number) => Date.now() - (liveMessages * SPACING_MINUTES + 60) * 60_000

async function seedMessages(conversationId: string, posters: AuthUser[], count: number, afterSeq: number) {
  const sent: Array<{ id: string, sender: AuthUser }> = []
  for (let i = 0; i < count; i++) {
    const sender = posters[i % posters.length]!
    let content = LINES[i % LINES.length]!
    if (i % 17 === 5 && posters.length > 1) content = `@${posters[(i + 1) % posters.length]!.handle} ${content}`
    const replyToId = i % 11 === 7 && sent.length ? sent[sent.length - 2]?.id ?? null : null
    const mentions = await resolveMentions(conversationId, sender.id, content)
    const { message } = await commitNewMessage(sender, conversationId, { clientId: `seed-${conversationId}-${i}`, content, type: 'text', replyToId }, mentions)
    sent.push({ id: message.id, sender })
    if (i % 9 === 3 && posters.length > 1) await setReaction(posters[(i + 1) % posters.length]!, message.id, i % 2 ? '👍' : '🎉', true)
    if (i === 12) await editMessage(sender, message.id, { content: `${content} (updated: Friday works better)` })
    if (i === 15) await deleteMessage(sender, message.id)
  }
  // Spread the history over the past days (newest a few minutes ago) so the demo reads like a real project.
  const db = await useDb()
  const [conversation] = await db.select({ lastSeq: conversations.lastSeq }).from(conversations).where(eq(conversations.id, conversationId))
  await db.update(messages).set({ createdAt: sql`now() - ((${conversation!.lastSeq} - ${messages.seq}) * ${SPACING_MINUTES} * interval '1 minute')` })
    .where(and(eq(messages.conversationId, conversationId), gt(messages.seq, afterSeq)))
}
