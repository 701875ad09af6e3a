import { eq } from 'drizzle-orm'
import { UUID } from 'uuidv7'
import type { Database } from '../adapters/database/database'
import { conversationEvents, conversations, messages } from '../db/schema'

// Weeks of demo history for the analytics dashboard (issue 10): client threads answered by staff after
// realistic delays (minutes in support, hours elsewhere, overnight outside working hours, a few never),
// staff chatter and weekly announcements. Deterministic (a seeded PRNG), so every fresh start looks alike.

const HISTORY_DAYS = 42
const MINUTE = 60_000
const HOUR = 60 * MINUTE
const DAY = 24 * HOUR
const BATCH = 500

const QUESTIONS = [
  'Quick question: is the staging site down for you too?',
  'Could you send the latest invoice again? I cannot find it.',
  'The contact form shows an error when I attach a PDF.',
  'When is the next release planned?',
  'Can we add a second admin account for our team?',
  'The export from last week is missing the March rows.',
  'Is there a way to change the billing address?',
  'Our logo looks blurry on the mobile header.'
]
const FOLLOW_UPS = ['Also, it happens on Firefox only.', 'Screenshot is in the shared folder.', 'Sorry, one more thing: this is a bit urgent.']
const REPLIES = [
  'Thanks for flagging, looking into it now.',
  'Found it: a config change on our side. Fixed, can you check again?',
  'Sent it to your inbox just now.',
  'Good catch. A fix goes out with today\'s deploy.',
  'Yes, that works. I have set it up for you.',
  'We plan it for next Tuesday; I will confirm by Friday.'
]
const THANKS = ['Perfect, thank you!', 'Works now, thanks.', 'Great, appreciated.']
const CHATTER = ['Standup moved to 10:30 today.', 'Pushed the fix for the header, please review.', 'I am out Friday afternoon.', 'Staging is green again.', 'Who has the client call at 3?']
const ANNOUNCEMENTS = ['Release notes for this week are up.', 'Office closed on Monday for the holiday.', 'New support hours: 8:00-18:00 UTC.']

// Per kind: client threads a weekday, median minutes to the first reply, share of threads nobody answers.
const PROFILE = {
  support: { threadsPerDay: 1.6, medianReplyMinutes: 18, unanswered: 0.04 },
  dm: { threadsPerDay: 0.5, medianReplyMinutes: 45, unanswered: 0.05 },
  group: { threadsPerDay: 0.6, medianReplyMinutes: 70, unanswered: 0.03 },
  project: { threadsPerDay: 0.8, medianReplyMinutes: 120, unanswered: 0.02 },
  announcement: { threadsPerDay: 0, medianReplyMinutes: 0, unanswered: 0 }
} as const

interface Person { id: string, projectRole: string }
interface Row { senderId: string, content: string, at: number }

/** mulberry32: a small seeded PRNG, so the demo is the same on every fresh start. */
function random(seedText: string) {
  let seed = [...seedText].reduce((h, c) => Math.imul(h ^ c.charCodeAt(0), 16_777_619), 2_166_136_261) >>> 0
  return () => {
    seed = (seed + 0x6D2B79F5) >>> 0
    let t = seed
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296
  }
}

// Working hours are 08:00-18:00 UTC on weekdays; a reply due outside them lands the next working morning.
function nextWorkingTime(ms: number, rand: () => number): number {
  const d = new Date(ms)
  const hour = d.getUTCHours()
  const weekend = d.getUTCDay() === 0 || d.getUTCDay() === 6
  if (!weekend && hour >= 8 && hour < 18) return ms
  const next = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate() + (hour >= 8 || weekend ? 1 : 0), 8, Math.floor(rand() * 90)))
  return nextWorkingTime(next.getTime(), rand)
}

/** The messages of one conversation from HISTORY_DAYS ago up to `until`, in time order. */
function planHistory(kind: keyof typeof PROFILE, members: Person[], until: number, rand: () => number, waiting: boolean): Row[] {
  const clients = members.filter(p => p.projectRole === 'client')
  const team = members.filter(p => p.projectRole !== 'client')
  const pick = <T>(list: readonly T[]) => list[Math.floor(rand() * list.length)]!
  const profile = PROFILE[kind]
  const rows: Row[] = []
  const start = Date.UTC(new Date(until).getUTCFullYear(), new Date(until).getUTCMonth(), new Date(until).getUTCDate()) - HISTORY_DAYS * DAY
  for (let day = start; day < until; day += DAY) {
    const weekday = ![0, 6].includes(new Date(day).getUTCDay())
    if (kind === 'announcement') {
      if (new Date(day).getUTCDay() === 1) rows.push({ senderId: team[0]!.id, content: pick(ANNOUNCEMENTS), at: day + 9 * HOUR })
      continue
    }
    if (kind === 'project' && weekday) {
      for (let i = Math.floor(rand() * 4); i > 0; i--) rows.push({ senderId: pick(team).id, content: pick(CHATTER), at: day + (8 + rand() * 9) * HOUR })
    }
    // Busier on weekdays, and a little busier in recent weeks, so the chart shows a trend.
    const expected = profile.threadsPerDay * (weekday ? 1 : 0.25) * (0.7 + 0.6 * (day - start) / (HISTORY_DAYS * DAY))
    const threads = Math.floor(expected) + (rand() < expected % 1 ? 1 : 0)
    for (let t = 0; t < threads && clients.length && team.length; t++) {
      const client = pick(clients)
      let at = day + (7 + rand() * 12) * HOUR
      rows.push({ senderId: client.id, content: pick(QUESTIONS), at })
      if (rand() < 0.3) rows.push({ senderId: client.id, content: pick(FOLLOW_UPS), at: at += (1 + rand() * 6) * MINUTE })
      if (rand() < profile.unanswered) continue
      // Log-normal delays (sigma 1): most replies near the median, a long tail of slow ones.
      const z = Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand())
      at = nextWorkingTime(at + profile.medianReplyMinutes * Math.exp(z) * MINUTE, rand)
      rows.push({ senderId: pick(team).id, content: pick(REPLIES), at })
      if (rand() < 0.5) rows.push({ senderId: client.id, content: pick(THANKS), at: at + (2 + rand() * 20) * MINUTE })
    }
  }
  if (!waiting || !clients.length) return rows.filter(r => r.at < until).sort((a, b) => a.at - b.at)
  // A client question still waiting a day and a half later, so the demo has unanswered threads to show.
  const asked = until - 36 * HOUR
  return [...rows.filter(r => r.at < asked - 6 * HOUR), { senderId: clients[0]!.id, content: pick(QUESTIONS), at: asked }].sort((a, b) => a.at - b.at)
}

/**
 * Bulk-writes a conversation's history as seq 1…n (messages and their `message:new` events, like the write
 * path leaves them) ending before `until`, and returns n, so the live seeding continues at n + 1. `waiting` ends
 * it with an unanswered client question.
 */
export async function seedHistory(db: Database, conversation: { id: string, kind: keyof typeof PROFILE }, members: Person[], until: number, { waiting = false } = {}): Promise<number> {
  const rand = random(conversation.id)
  const rows = planHistory(conversation.kind, members, until, rand, waiting)
  const word = () => Math.floor(rand() * 4_294_967_296)
  const values = rows.map((row, i) => ({
    id: UUID.fromFieldsV7(Math.floor(row.at), word() & 0xFFF, word() & 0x3FFFFFFF, word()).toString(),
    conversationId: conversation.id,
    seq: i + 1,
    senderId: row.senderId,
    clientId: `seed-history-${conversation.id}-${i}`,
    content: row.content,
    createdAt: new Date(row.at)
  }))
  for (let i = 0; i < values.length; i += BATCH) {
    const batch = values.slice(i, i + BATCH)
    await db.insert(messages).values(batch)
    await db.insert(conversationEvents).values(batch.map(m => ({ conversationId: m.conversationId, seq: m.seq, type: 'message:new', messageId: m.id, createdAt: m.createdAt })))
  }
  await db.update(conversations).set({ lastSeq: values.length, lastMessageAt: values.at(-1)?.createdAt ?? null }).where(eq(conversations.id, conversation.id))
  return values.length
}
