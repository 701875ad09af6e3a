import { randomBytes } from 'node:crypto'
import { Api } from '../../tests/helpers/api'
import type { Actor } from '../../tests/helpers/api'
import { mapLimit } from './stats'

/** A bench account: its id, bearer token (for `?token=`) and email (for adding it to more projects). */
export interface BenchUser { id: string, email: string, token: string }

const RUN = randomBytes(3).toString('hex')
let projectCount = 0

function expect(res: { status: number, body: any }, status: number[], what: string) {
  if (!status.includes(res.status)) throw new Error(`${what} failed: HTTP ${res.status} ${JSON.stringify(res.body).slice(0, 300)}`)
  return res.body
}

export async function createProject(admin: Actor, label: string): Promise<string> {
  const slug = `bench-${RUN}-${label}-${++projectCount}`.toLowerCase()
  const body = expect(await admin.api.post('/projects', { name: `Bench ${label} ${RUN}`, slug }), [201], 'create project')
  return body.project.id
}

/**
 * Signs up `count` accounts into a project the way people join (invites of up to 100 uses, redeemed signed out).
 * Each redeem hashes a password with scrypt, so this is the slow part of the set-up: a few in flight at a time.
 */
export async function createUsers(admin: Actor, projectId: string, count: number, label: string): Promise<BenchUser[]> {
  const tokens: string[] = []
  for (let left = count; left > 0; left -= 100) {
    const invite = await admin.api.post(`/projects/${projectId}/invites`, { role: 'client', maxUses: Math.min(100, left), expiresInHours: 1 })
    tokens.push(expect(invite, [201], 'create invite').invite.token)
  }
  const anonymous = new Api(admin.api.baseURL)
  return mapLimit(Array.from({ length: count }, (_, i) => i), 4, async (i) => {
    const handle = `b${RUN}-${label}-${i}`.toLowerCase().slice(0, 32)
    const email = `${handle}@bench.test`
    const res = await anonymous.post(`/invites/${tokens[Math.floor(i / 100)]}/redeem`, {
      email, password: 'bench-password-123', displayName: `Bench ${label} ${i}`, handle
    })
    const body = expect(res, [200], 'redeem invite')
    return { id: body.user.id, email, token: body.token }
  })
}

/** Adds existing accounts to another project (no sign-up, so no password hashing). */
export async function addMembers(admin: Actor, projectId: string, users: BenchUser[]) {
  await mapLimit(users, 8, async (u) => {
    expect(await admin.api.post(`/projects/${projectId}/members`, { email: u.email, role: 'client' }), [200, 201], 'add member')
  })
}

/** A group conversation created by the admin (who is no participant, so only bench sockets receive it). */
export async function createConversation(admin: Actor, projectId: string, title: string, participants: BenchUser[]): Promise<string> {
  const res = await admin.api.post(`/projects/${projectId}/conversations`, { title, kind: 'group', participantIds: participants.map(u => u.id) })
  return expect(res, [201], 'create conversation').conversation.id
}

/** The committed head of a conversation: every persisted change took one seq, so this counts commits. */
export async function lastSeqOf(admin: Actor, conversationId: string): Promise<number> {
  return expect(await admin.api.get(`/conversations/${conversationId}`), [200], 'read conversation').conversation.lastSeq
}

/** Content of about `bytes` characters, unique per message so no cache or dedupe flatters the numbers. */
export function filler(bytes: number, tag: string): string {
  const head = `${tag} `
  return head + 'lorem ipsum dolor sit amet '.repeat(Math.ceil(bytes / 27)).slice(0, Math.max(1, bytes - head.length)).trim()
}

export const clientIdFor = (scenario: string, n: number) => `bench-${RUN}-${scenario}-${n}`
