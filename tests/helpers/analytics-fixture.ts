import { randomBytes, randomUUID } from 'node:crypto'
import { join, resolve } from 'node:path'
import { eq } from 'drizzle-orm'
import { openDatabase } from '../../server/adapters/database/use-database'
import { conversationMembers, conversations, messages, projectMembers, projects, users } from '../../server/db/schema'

const HOUR = 3_600_000
const DAY = 24 * HOUR

/** UTC midnight `daysAgo` days before today, as YYYY-MM-DD and epoch ms. */
export function dayOf(daysAgo: number) {
  const today = Date.parse(`${new Date().toISOString().slice(0, 10)}T00:00:00Z`)
  const ms = today - daysAgo * DAY
  return { ms, day: new Date(ms).toISOString().slice(0, 10) }
}

export interface AnalyticsFixture {
  projectId: string
  projectName: string
  /** Day D of the timeline (10 days ago); the fixture spans D-2 … D+2. */
  d: (offset: number) => string
  support: string
  dm: string
  general: string
  titles: string[]
  names: string[]
  contents: string[]
}

/**
 * The hand-computed timeline of tests/server/analytics.test.ts, written straight into the database before the
 * app boots (createdAt cannot be set through the API). Times are hours after D 00:00 UTC; gap = 4 h.
 */
export async function writeAnalyticsFixture(env: Record<string, string>): Promise<AnalyticsFixture> {
  const handle = await openDatabase({ url: env.DATABASE_URL, pgliteDir: join(env.DATA_DIR!, 'pglite') })
  await handle.migrate(resolve('drizzle'))
  const db = handle.db
  const tag = randomBytes(3).toString('hex')
  const base = dayOf(10).ms
  const at = (hours: number) => new Date(base + hours * HOUR)
  const d = (offset: number) => new Date(base + offset * DAY).toISOString().slice(0, 10)

  const [project] = await db.insert(projects).values({ slug: `analytics-${tag}`, name: `Analytics Corp ${tag}` }).returning()
  const person = async (handleName: string, displayName: string, role: 'owner' | 'staff' | 'client') => {
    const [u] = await db.insert(users).values({ email: `${handleName}-${tag}@fixture.test`, handle: `${handleName}-${tag}`, displayName: `${displayName} ${tag}` }).returning()
    await db.insert(projectMembers).values({ projectId: project!.id, userId: u!.id, role })
    return u!
  }
  const owner = await person('owner', 'Olga Owner', 'owner')
  const staff = await person('staff', 'Stan Staff', 'staff')
  const client1 = await person('client1', 'Cleo Client', 'client')
  const client2 = await person('client2', 'Cody Client', 'client')
  // A bot is a project member whose messages carry metadata {"bot": true}.
  const bot = await person('bot', 'Botty McBot', 'staff')

  const conversation = async (title: string, kind: 'support' | 'dm' | 'project', members: Array<{ id: string }>) => {
    const [c] = await db.insert(conversations).values({ projectId: project!.id, title: `${title} ${tag}`, kind, createdBy: owner.id }).returning()
    await db.insert(conversationMembers).values(members.map(m => ({ conversationId: c!.id, userId: m.id })))
    return c!
  }
  const support = await conversation('Billing question', 'support', [owner, staff, client1, bot])
  const dm = await conversation('Direct line', 'dm', [client2, staff])
  const general = await conversation('Town square', 'project', [owner, staff, client1, client2])

  const contents: string[] = []
  const seqs = new Map<string, number>()
  const say = async (conversationId: string, sender: { id: string }, hours: number, extra: { bot?: boolean, system?: boolean, deleted?: boolean } = {}) => {
    const seq = (seqs.get(conversationId) ?? 0) + 1
    seqs.set(conversationId, seq)
    const content = `secret body ${tag} ${conversationId.slice(0, 4)} #${seq}`
    contents.push(content)
    await db.insert(messages).values({
      id: randomUUID(), conversationId, seq, senderId: sender.id, clientId: `fx-${seq}-${randomBytes(3).toString('hex')}`,
      type: extra.system ? 'system' : 'text', content, metadata: extra.bot ? { bot: true } : {},
      createdAt: at(hours), deletedAt: extra.deleted ? at(hours + 1) : null
    })
  }
  // Support: T1 (answered after 30 min; the bot and the system notice do not answer), a "thanks" and a
  // message inside the gap (no new thread), T2 reopened after 6 quiet hours (answered next day, 8 h), a deleted
  // message that would otherwise open a thread, T3 (2 min).
  await say(support.id, client1, 9)
  await say(support.id, bot, 9 + 5 / 60, { bot: true })
  await say(support.id, owner, 9 + 10 / 60, { system: true })
  await say(support.id, client1, 9 + 20 / 60)
  await say(support.id, staff, 9.5)
  await say(support.id, client1, 9 + 40 / 60)
  await say(support.id, client1, 12)
  await say(support.id, client1, 18)
  await say(support.id, owner, 24 + 2)
  await say(support.id, client1, 24 + 10, { deleted: true })
  await say(support.id, client1, 48 + 8)
  await say(support.id, staff, 48 + 8 + 2 / 60)
  // DM: T4 (15 min), T5 never answered.
  await say(dm.id, client2, 10)
  await say(dm.id, staff, 10.25)
  await say(dm.id, client2, 48 + 9)
  // General: staff chatter (starts no thread), T6 (6 min); one message in the previous period (D-2).
  await say(general.id, owner, -48 + 12)
  await say(general.id, owner, 11)
  await say(general.id, staff, 11.5)
  await say(general.id, client1, 24 + 12)
  await say(general.id, staff, 24 + 12.1)
  for (const [id, seq] of seqs) await db.update(conversations).set({ lastSeq: seq }).where(eq(conversations.id, id))
  await handle.close()
  return {
    projectId: project!.id, projectName: project!.name, d, support: support.id, dm: dm.id, general: general.id,
    titles: [support.title, dm.title, general.title],
    names: [owner, staff, client1, client2, bot].map(u => u.displayName),
    contents
  }
}
