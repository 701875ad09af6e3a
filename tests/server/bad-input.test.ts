import { beforeAll, describe, expect, it } from 'vitest'
import { Api, createProjectFixture, uniq } from '../helpers/api'
import type { Actor, ApiResponse, ProjectFixture } from '../helpers/api'
import { ADMIN } from '../helpers/app-process'
import { baseURL, signInAdmin } from '../helpers/server'
import type { Conversation, Message } from '../../shared/types'

// Bad input for every body and query of contract §3–§4 (server/utils/validation.ts): a body that breaks its
// schema is 422, a bad query string or unparsable JSON is 400, an oversize body 413 — each with
// `data.code` and issues naming the field, never a 500, never a stack trace or SQL, and nothing written.

type Method = 'GET' | 'POST' | 'PATCH' | 'DELETE'
type Who = 'anonymous' | 'admin' | 'owner' | 'staff' | 'client'

interface BadCase {
  name: string
  who: Who
  method: Method
  /** Built once the fixture exists. */
  path: () => string
  /** An object is sent as JSON, a string verbatim; a function is called once the fixture exists. */
  body?: unknown
  status: 400 | 413 | 422
  /** The issue path the answer must name ('' for the body as a whole); omitted for 413. */
  issue?: string
}

const LEAK = /at .*\.(ts|js|mjs)|select |insert |postgres/i
const NUL = 'a\u0000b'
const UUID = '0190a6a8-7a5e-7c2b-9f3d-2b1e6c4d8a90'
const MARK = uniq('badinput')

let f: ProjectFixture
let admin: Actor
let watched: Conversation
let scratch: Conversation
let clientMsg: Message
let inviteToken: string

const actor = (who: Who) => who === 'anonymous' ? new Api(baseURL()) : who === 'admin' ? admin.api : f[who].api
const conv = () => `/conversations/${watched.id}`
const msg = () => `/messages/${clientMsg.id}`
const project = () => `/projects/${f.project.id}`
const redeem = () => `/invites/${inviteToken}/redeem`
const send = (content: unknown, extra: Record<string, unknown> = {}) => ({ clientId: uniq('bad'), content, ...extra })
const signUp = (extra: Record<string, unknown> = {}) => ({
  email: `${uniq('newbie')}@example.test`, password: 'correct-horse-battery', displayName: 'New Person', ...extra
})

const bodyCases: BadCase[] = [
  // POST /auth/login
  { name: 'login with an invalid email', who: 'anonymous', method: 'POST', path: () => '/auth/login', body: { email: 'not-an-email', password: 'x' }, status: 422, issue: 'email' },
  { name: 'login with a number for password', who: 'anonymous', method: 'POST', path: () => '/auth/login', body: { email: ADMIN.email, password: 12345678 }, status: 422, issue: 'password' },
  { name: 'login with an unknown extra key', who: 'anonymous', method: 'POST', path: () => '/auth/login', body: { email: ADMIN.email, password: ADMIN.password, isAdmin: true }, status: 422, issue: '' },
  { name: 'login with an array body', who: 'anonymous', method: 'POST', path: () => '/auth/login', body: [ADMIN.email, ADMIN.password], status: 422, issue: '' },
  { name: 'login with malformed JSON', who: 'anonymous', method: 'POST', path: () => '/auth/login', body: '{"email": "a@b.co",', status: 400, issue: '' },

  // POST /projects (admin)
  { name: 'project with a NUL byte in the name', who: 'admin', method: 'POST', path: () => '/projects', body: { name: `${MARK}${NUL}`, slug: uniq('nul') }, status: 422, issue: 'name' },
  { name: 'project with a whitespace-only name', who: 'admin', method: 'POST', path: () => '/projects', body: { name: '   \t ', slug: uniq('ws') }, status: 422, issue: 'name' },
  { name: 'project with a bad slug', who: 'admin', method: 'POST', path: () => '/projects', body: { name: MARK, slug: 'Not A Slug!' }, status: 422, issue: 'slug' },
  { name: 'project with a number for the name', who: 'admin', method: 'POST', path: () => '/projects', body: { name: 42, slug: uniq('num') }, status: 422, issue: 'name' },
  { name: 'project with an unknown extra key', who: 'admin', method: 'POST', path: () => '/projects', body: { name: MARK, slug: uniq('ex'), ownerId: UUID }, status: 422, issue: '' },
  { name: 'project with an array body', who: 'admin', method: 'POST', path: () => '/projects', body: [MARK], status: 422, issue: '' },
  { name: 'project with malformed JSON', who: 'admin', method: 'POST', path: () => '/projects', body: '{name: MARK}', status: 400, issue: '' },

  // POST /projects/:projectId/members (owner)
  { name: 'add member with an invalid email', who: 'owner', method: 'POST', path: () => `${project()}/members`, body: { email: 'nobody', role: 'client' }, status: 422, issue: 'email' },
  { name: 'add member with an unknown role', who: 'owner', method: 'POST', path: () => `${project()}/members`, body: { email: ADMIN.email, role: 'god' }, status: 422, issue: 'role' },
  { name: 'add member with an unknown extra key', who: 'owner', method: 'POST', path: () => `${project()}/members`, body: { email: ADMIN.email, role: 'client', admin: true }, status: 422, issue: '' },
  { name: 'add member with an array body', who: 'owner', method: 'POST', path: () => `${project()}/members`, body: [{ email: ADMIN.email, role: 'client' }], status: 422, issue: '' },

  // POST /projects/:projectId/invites (owner)
  { name: 'invite with an unknown role', who: 'owner', method: 'POST', path: () => `${project()}/invites`, body: { role: 'god' }, status: 422, issue: 'role' },
  { name: 'invite with expiresInHours 0', who: 'owner', method: 'POST', path: () => `${project()}/invites`, body: { role: 'client', expiresInHours: 0 }, status: 422, issue: 'expiresInHours' },
  { name: 'invite with expiresInHours 721', who: 'owner', method: 'POST', path: () => `${project()}/invites`, body: { role: 'client', expiresInHours: 721 }, status: 422, issue: 'expiresInHours' },
  { name: 'invite with expiresInHours as a string', who: 'owner', method: 'POST', path: () => `${project()}/invites`, body: { role: 'client', expiresInHours: '72' }, status: 422, issue: 'expiresInHours' },
  { name: 'invite with fractional expiresInHours', who: 'owner', method: 'POST', path: () => `${project()}/invites`, body: { role: 'client', expiresInHours: 1.5 }, status: 422, issue: 'expiresInHours' },
  { name: 'invite with maxUses 0', who: 'owner', method: 'POST', path: () => `${project()}/invites`, body: { role: 'client', maxUses: 0 }, status: 422, issue: 'maxUses' },
  { name: 'invite with maxUses 101', who: 'owner', method: 'POST', path: () => `${project()}/invites`, body: { role: 'client', maxUses: 101 }, status: 422, issue: 'maxUses' },
  { name: 'invite with an unknown extra key', who: 'owner', method: 'POST', path: () => `${project()}/invites`, body: { role: 'client', uses: 0 }, status: 422, issue: '' },

  // POST /invites/:token/redeem (signed out)
  { name: 'redeem with an invalid email', who: 'anonymous', method: 'POST', path: redeem, body: signUp({ email: 'not-an-email' }), status: 422, issue: 'email' },
  { name: 'redeem with a too-short password', who: 'anonymous', method: 'POST', path: redeem, body: signUp({ password: 'short12' }), status: 422, issue: 'password' },
  { name: 'redeem with a bad handle', who: 'anonymous', method: 'POST', path: redeem, body: signUp({ handle: 'Bad Handle!' }), status: 422, issue: 'handle' },
  { name: 'redeem with a one-character handle', who: 'anonymous', method: 'POST', path: redeem, body: signUp({ handle: 'a' }), status: 422, issue: 'handle' },
  { name: 'redeem with a NUL byte in the displayName', who: 'anonymous', method: 'POST', path: redeem, body: signUp({ displayName: NUL }), status: 422, issue: 'displayName' },
  { name: 'redeem with a whitespace-only displayName', who: 'anonymous', method: 'POST', path: redeem, body: signUp({ displayName: '    ' }), status: 422, issue: 'displayName' },
  { name: 'redeem with a NUL byte in the password', who: 'anonymous', method: 'POST', path: redeem, body: signUp({ password: `correct-horse${NUL}` }), status: 422, issue: 'password' },
  { name: 'redeem without an email when signed out', who: 'anonymous', method: 'POST', path: redeem, body: { password: 'correct-horse-battery', displayName: 'No Mail' }, status: 422, issue: 'email' },
  { name: 'redeem with an unknown extra key', who: 'anonymous', method: 'POST', path: redeem, body: signUp({ role: 'owner' }), status: 422, issue: '' },
  { name: 'redeem with malformed JSON', who: 'anonymous', method: 'POST', path: redeem, body: '{"email":"x@example.test"', status: 400, issue: '' },

  // POST /projects/:projectId/conversations (staff)
  { name: 'conversation with an unknown kind', who: 'staff', method: 'POST', path: () => `${project()}/conversations`, body: { title: 'x', kind: 'channel', participantIds: [] }, status: 422, issue: 'kind' },
  { name: 'conversation with a NUL byte in the title', who: 'staff', method: 'POST', path: () => `${project()}/conversations`, body: { title: NUL, kind: 'group', participantIds: [] }, status: 422, issue: 'title' },
  { name: 'conversation with a whitespace-only title', who: 'staff', method: 'POST', path: () => `${project()}/conversations`, body: { title: '   ', kind: 'group', participantIds: [] }, status: 422, issue: 'title' },
  { name: 'conversation with a 201-character title', who: 'staff', method: 'POST', path: () => `${project()}/conversations`, body: { title: 't'.repeat(201), kind: 'group', participantIds: [] }, status: 422, issue: 'title' },
  { name: 'conversation with participantIds as a string', who: 'staff', method: 'POST', path: () => `${project()}/conversations`, body: { title: 'x', kind: 'group', participantIds: UUID }, status: 422, issue: 'participantIds' },
  { name: 'conversation with a malformed participant id', who: 'staff', method: 'POST', path: () => `${project()}/conversations`, body: { title: 'x', kind: 'group', participantIds: ['not-a-uuid'] }, status: 422, issue: 'participantIds.0' },
  { name: 'DM with two other participants', who: 'staff', method: 'POST', path: () => `${project()}/conversations`, body: () => ({ kind: 'dm', participantIds: [f.client.user.id, f.client2.user.id] }), status: 422, issue: 'participantIds' },
  { name: 'conversation with an unknown extra key', who: 'staff', method: 'POST', path: () => `${project()}/conversations`, body: { title: 'x', kind: 'group', participantIds: [], status: 'locked' }, status: 422, issue: '' },
  { name: 'conversation with an array body', who: 'staff', method: 'POST', path: () => `${project()}/conversations`, body: [{ title: 'x', kind: 'group' }], status: 422, issue: '' },

  // POST /conversations/:id/messages (client)
  { name: 'send with 5001 characters after trimming', who: 'client', method: 'POST', path: () => `${conv()}/messages`, body: send(`  ${'a'.repeat(5001)}  `), status: 422, issue: 'content' },
  { name: 'send with whitespace-only content', who: 'client', method: 'POST', path: () => `${conv()}/messages`, body: send(' \n\t  \r\n '), status: 422, issue: 'content' },
  { name: 'send with empty content', who: 'client', method: 'POST', path: () => `${conv()}/messages`, body: send(''), status: 422, issue: 'content' },
  { name: 'send with a number for content', who: 'client', method: 'POST', path: () => `${conv()}/messages`, body: send(42), status: 422, issue: 'content' },
  { name: 'send with null content', who: 'client', method: 'POST', path: () => `${conv()}/messages`, body: send(null), status: 422, issue: 'content' },
  { name: 'send with an object for content', who: 'client', method: 'POST', path: () => `${conv()}/messages`, body: send({ text: 'hi' }), status: 422, issue: 'content' },
  { name: 'send with a NUL byte in content', who: 'client', method: 'POST', path: () => `${conv()}/messages`, body: send(`hello ${NUL}`), status: 422, issue: 'content' },
  { name: 'send without content', who: 'client', method: 'POST', path: () => `${conv()}/messages`, body: { clientId: uniq('bad') }, status: 422, issue: 'content' },
  { name: 'send without a clientId', who: 'client', method: 'POST', path: () => `${conv()}/messages`, body: { content: 'hi' }, status: 422, issue: 'clientId' },
  { name: 'send with a clientId containing spaces', who: 'client', method: 'POST', path: () => `${conv()}/messages`, body: { clientId: 'has spaces', content: 'hi' }, status: 422, issue: 'clientId' },
  { name: 'send with a 101-character clientId', who: 'client', method: 'POST', path: () => `${conv()}/messages`, body: { clientId: 'c'.repeat(101), content: 'hi' }, status: 422, issue: 'clientId' },
  { name: 'send with an unknown type', who: 'client', method: 'POST', path: () => `${conv()}/messages`, body: send('hi', { type: 'video' }), status: 422, issue: 'type' },
  { name: 'send with a malformed replyToId', who: 'client', method: 'POST', path: () => `${conv()}/messages`, body: send('hi', { replyToId: 'abc' }), status: 422, issue: 'replyToId' },
  { name: 'send replying to a message of no conversation of this one', who: 'client', method: 'POST', path: () => `${conv()}/messages`, body: send('hi', { replyToId: UUID }), status: 422, issue: 'replyToId' },
  { name: 'send with fileIds as a string', who: 'client', method: 'POST', path: () => `${conv()}/messages`, body: send('hi', { fileIds: UUID }), status: 422, issue: 'fileIds' },
  { name: 'send with eleven fileIds', who: 'client', method: 'POST', path: () => `${conv()}/messages`, body: send('hi', { fileIds: Array(11).fill(UUID) }), status: 422, issue: 'fileIds' },
  { name: 'send with fileIds that are not the sender\'s uploads', who: 'client', method: 'POST', path: () => `${conv()}/messages`, body: send('hi', { fileIds: [UUID] }), status: 422, issue: 'fileIds' },
  { name: 'send with an unknown extra key', who: 'client', method: 'POST', path: () => `${conv()}/messages`, body: send('hi', { seq: 1 }), status: 422, issue: '' },
  { name: 'send with an array body', who: 'client', method: 'POST', path: () => `${conv()}/messages`, body: [send('hi')], status: 422, issue: '' },
  { name: 'send with a string body', who: 'client', method: 'POST', path: () => `${conv()}/messages`, body: '"just a string"', status: 422, issue: '' },
  { name: 'send with malformed JSON', who: 'client', method: 'POST', path: () => `${conv()}/messages`, body: '{"clientId":"x","content":"hi"', status: 400, issue: '' },
  { name: 'send with a body over 256 KiB', who: 'client', method: 'POST', path: () => `${conv()}/messages`, body: send('a'.repeat(300 * 1024)), status: 413 },

  // PATCH /messages/:id (the client's own message)
  { name: 'edit with 5001 characters after trimming', who: 'client', method: 'PATCH', path: msg, body: { content: `\n${'b'.repeat(5001)}\n` }, status: 422, issue: 'content' },
  { name: 'edit with whitespace-only content', who: 'client', method: 'PATCH', path: msg, body: { content: '      ' }, status: 422, issue: 'content' },
  { name: 'edit with a number for content', who: 'client', method: 'PATCH', path: msg, body: { content: 7 }, status: 422, issue: 'content' },
  { name: 'edit with a NUL byte in content', who: 'client', method: 'PATCH', path: msg, body: { content: NUL }, status: 422, issue: 'content' },
  { name: 'edit without content', who: 'client', method: 'PATCH', path: msg, body: {}, status: 422, issue: 'content' },
  { name: 'edit with an unknown extra key', who: 'client', method: 'PATCH', path: msg, body: { content: 'fine', senderId: UUID }, status: 422, issue: '' },
  { name: 'edit with an array body', who: 'client', method: 'PATCH', path: msg, body: ['fine'], status: 422, issue: '' },
  { name: 'edit with malformed JSON', who: 'client', method: 'PATCH', path: msg, body: '{"content":', status: 400, issue: '' },
  { name: 'edit with a body over 256 KiB', who: 'client', method: 'PATCH', path: msg, body: { content: 'c'.repeat(300 * 1024) }, status: 413 },

  // POST /messages/:id/reactions
  { name: 'react with an empty emoji', who: 'staff', method: 'POST', path: () => `${msg()}/reactions`, body: { emoji: '' }, status: 422, issue: 'emoji' },
  { name: 'react with whitespace in the emoji', who: 'staff', method: 'POST', path: () => `${msg()}/reactions`, body: { emoji: '👍 👍' }, status: 422, issue: 'emoji' },
  { name: 'react with a NUL byte in the emoji', who: 'staff', method: 'POST', path: () => `${msg()}/reactions`, body: { emoji: `👍\u0000` }, status: 422, issue: 'emoji' },
  { name: 'react with markup for the emoji', who: 'staff', method: 'POST', path: () => `${msg()}/reactions`, body: { emoji: '<b>' }, status: 422, issue: 'emoji' },
  { name: 'react with a word', who: 'staff', method: 'POST', path: () => `${msg()}/reactions`, body: { emoji: 'lol' }, status: 422, issue: 'emoji' },
  { name: 'react with two emoji at once', who: 'staff', method: 'POST', path: () => `${msg()}/reactions`, body: { emoji: '👍🎉' }, status: 422, issue: 'emoji' },
  { name: 'react with a shortcode', who: 'staff', method: 'POST', path: () => `${msg()}/reactions`, body: { emoji: ':tada:' }, status: 422, issue: 'emoji' },
  { name: 'react with a 65-character emoji', who: 'staff', method: 'POST', path: () => `${msg()}/reactions`, body: { emoji: 'e'.repeat(65) }, status: 422, issue: 'emoji' },
  { name: 'react with a number for the emoji', who: 'staff', method: 'POST', path: () => `${msg()}/reactions`, body: { emoji: 1 }, status: 422, issue: 'emoji' },
  { name: 'react with an unknown extra key', who: 'staff', method: 'POST', path: () => `${msg()}/reactions`, body: { emoji: '👍', userId: UUID }, status: 422, issue: '' },
  { name: 'react with an array body', who: 'staff', method: 'POST', path: () => `${msg()}/reactions`, body: ['👍'], status: 422, issue: '' },

  // POST /conversations/:id/read
  { name: 'read with seq -1', who: 'client', method: 'POST', path: () => `${conv()}/read`, body: { seq: -1 }, status: 422, issue: 'seq' },
  { name: 'read with seq 2^31', who: 'client', method: 'POST', path: () => `${conv()}/read`, body: { seq: 2 ** 31 }, status: 422, issue: 'seq' },
  { name: 'read with a string for seq', who: 'client', method: 'POST', path: () => `${conv()}/read`, body: { seq: '1' }, status: 422, issue: 'seq' },
  { name: 'read with a fractional seq', who: 'client', method: 'POST', path: () => `${conv()}/read`, body: { seq: 1.5 }, status: 422, issue: 'seq' },
  { name: 'read without seq', who: 'client', method: 'POST', path: () => `${conv()}/read`, body: {}, status: 422, issue: 'seq' },
  { name: 'read with an unknown extra key', who: 'client', method: 'POST', path: () => `${conv()}/read`, body: { seq: 1, userId: UUID }, status: 422, issue: '' },
  { name: 'read with an array body', who: 'client', method: 'POST', path: () => `${conv()}/read`, body: [1], status: 422, issue: '' },

  // POST /messages/:id/report
  { name: 'report with an unknown reason', who: 'staff', method: 'POST', path: () => `${msg()}/report`, body: { reason: 'x' }, status: 422, issue: 'reason' },
  { name: 'report without a reason', who: 'staff', method: 'POST', path: () => `${msg()}/report`, body: { description: 'bad' }, status: 422, issue: 'reason' },
  { name: 'report with a NUL byte in the description', who: 'staff', method: 'POST', path: () => `${msg()}/report`, body: { reason: 'spam', description: NUL }, status: 422, issue: 'description' },
  { name: 'report with a 2001-character description', who: 'staff', method: 'POST', path: () => `${msg()}/report`, body: { reason: 'spam', description: 'd'.repeat(2001) }, status: 422, issue: 'description' },
  { name: 'report with an unknown extra key', who: 'staff', method: 'POST', path: () => `${msg()}/report`, body: { reason: 'spam', status: 'resolved' }, status: 422, issue: '' },
  { name: 'report with an array body', who: 'staff', method: 'POST', path: () => `${msg()}/report`, body: ['spam'], status: 422, issue: '' }
]

const queryCases: BadCase[] = [
  ...['100000', '-1', '1e3', 'abc', '0', '101', '', '50.5', '0x10'].map(limit => (
    { name: `history with limit=${limit}`, who: 'client', method: 'GET', path: () => `${conv()}/messages?limit=${limit}`, status: 400, issue: 'limit' } as BadCase)),
  { name: 'history with before=abc', who: 'client', method: 'GET', path: () => `${conv()}/messages?before=abc`, status: 400, issue: 'before' },
  { name: 'history with before=0', who: 'client', method: 'GET', path: () => `${conv()}/messages?before=0`, status: 400, issue: 'before' },
  { name: 'history with after=-5', who: 'client', method: 'GET', path: () => `${conv()}/messages?after=-5`, status: 400, issue: 'after' },
  { name: 'history with after=1.5', who: 'client', method: 'GET', path: () => `${conv()}/messages?after=1.5`, status: 400, issue: 'after' },
  { name: 'history with after beyond 2^31', who: 'client', method: 'GET', path: () => `${conv()}/messages?after=99999999999`, status: 400, issue: 'after' },
  { name: 'history with both before and after', who: 'client', method: 'GET', path: () => `${conv()}/messages?before=5&after=1`, status: 400, issue: '' },
  { name: 'history with a repeated limit', who: 'client', method: 'GET', path: () => `${conv()}/messages?limit=1&limit=2`, status: 400, issue: 'limit' },
  { name: 'history with an unknown query key', who: 'client', method: 'GET', path: () => `${conv()}/messages?cursor=abc`, status: 400, issue: '' },
  ...['100000', '-1', '1e3', 'abc', '0', '1001'].map(limit => (
    { name: `events with limit=${limit}`, who: 'client', method: 'GET', path: () => `${conv()}/events?limit=${limit}`, status: 400, issue: 'limit' } as BadCase)),
  { name: 'events with after=-5', who: 'client', method: 'GET', path: () => `${conv()}/events?after=-5`, status: 400, issue: 'after' },
  { name: 'events with after=1.5', who: 'client', method: 'GET', path: () => `${conv()}/events?after=1.5`, status: 400, issue: 'after' },
  { name: 'events with after=abc', who: 'client', method: 'GET', path: () => `${conv()}/events?after=abc`, status: 400, issue: 'after' },
  { name: 'events with an unknown query key', who: 'client', method: 'GET', path: () => `${conv()}/events?before=3`, status: 400, issue: '' },
  { name: 'admin reports with an unknown status', who: 'admin', method: 'GET', path: () => '/admin/reports?status=bogus', status: 400, issue: 'status' },
  { name: 'admin reports with an unknown query key', who: 'admin', method: 'GET', path: () => '/admin/reports?limit=5', status: 400, issue: '' }
]

interface Snapshot { conversation: unknown, members: unknown, events: unknown, history: unknown }

async function snapshot(): Promise<Snapshot> {
  const [detail, feed, history] = await Promise.all([
    f.staff.api.get(`/conversations/${watched.id}`),
    f.staff.api.get(`/conversations/${watched.id}/events?after=0&limit=1000`),
    f.staff.api.get(`/conversations/${watched.id}/messages?limit=100`)
  ])
  expect([detail.status, feed.status, history.status]).toEqual([200, 200, 200])
  // unreadCount is the viewer's; lastSeq, lastMessageAt, title and status are the conversation's.
  return { conversation: detail.body.conversation, members: detail.body.members, events: feed.body, history: history.body }
}

function expectRefused(res: ApiResponse, c: BadCase) {
  const text = JSON.stringify(res.body)
  expect(res.status, text.slice(0, 500)).toBe(c.status)
  expect(text).not.toMatch(LEAK)
  expect(res.body.statusCode).toBe(c.status)
  if (c.status === 413) {
    expect(res.body.data.code).toBe('payload_too_large')
    return
  }
  expect(res.body.data.code).toBe('validation_failed')
  expect(Array.isArray(res.body.data.issues)).toBe(true)
  const paths = (res.body.data.issues as Array<{ path: string, message: string }>).map(i => i.path)
  expect(paths, text.slice(0, 500)).toContain(c.issue)
}

describe('bad input', () => {
  let before: Snapshot

  beforeAll(async () => {
    admin = await signInAdmin()
    f = await createProjectFixture(baseURL(), admin)
    const create = (title: string) => f.staff.api.post(`/projects/${f.project.id}/conversations`, { title, kind: 'group', participantIds: [f.client.user.id, f.client2.user.id] })
    const [w, s] = await Promise.all([create('Watched'), create('Scratch')])
    expect([w.status, s.status]).toEqual([201, 201])
    watched = w.body.conversation
    scratch = s.body.conversation
    await f.staff.api.post(`/conversations/${watched.id}/messages`, { clientId: uniq('seed'), content: 'welcome' })
    const sent = await f.client.api.post(`/conversations/${watched.id}/messages`, { clientId: uniq('seed'), content: 'hello there' })
    expect(sent.status).toBe(201)
    clientMsg = sent.body.message
    const read = await f.client.api.post(`/conversations/${watched.id}/read`, { seq: 1 })
    expect(read.status).toBe(200)
    const invite = await f.owner.api.post(`/projects/${f.project.id}/invites`, { role: 'client', maxUses: 1 })
    expect(invite.status).toBe(201)
    inviteToken = invite.body.invite.token
    before = await snapshot()
  })

  it.each(bodyCases)('refuses $name with $status', async (c) => {
    const body = typeof c.body === 'function' ? c.body() : c.body
    const res = await actor(c.who).request(c.method, c.path(), body)
    expectRefused(res, c)
  })

  it.each(queryCases)('refuses $name with $status', async (c) => {
    const res = await actor(c.who).get(c.path())
    expectRefused(res, c)
  })

  it('refuses a JSON body over 256 KiB on every body-taking route before touching it', async () => {
    const big = 'z'.repeat(257 * 1024)
    const routes: Array<[Who, string]> = [
      ['anonymous', '/auth/login'],
      ['admin', '/projects'],
      ['owner', `${project()}/members`],
      ['owner', `${project()}/invites`],
      ['anonymous', redeem()],
      ['staff', `${project()}/conversations`],
      ['client', `${conv()}/read`],
      ['staff', `${msg()}/reactions`],
      ['staff', `${msg()}/report`]
    ]
    for (const [who, path] of routes) {
      const res = await actor(who).request('POST', path, { padding: big })
      expect(res.status, path).toBe(413)
      expect(res.body.data.code, path).toBe('payload_too_large')
    }
  })

  it('accepts exactly 5000 characters after trimming, and a reply and edit of that size', async () => {
    const content = 'a'.repeat(5000)
    const res = await f.client.api.post(`/conversations/${scratch.id}/messages`, { clientId: uniq('max'), content: `  \n${content}\t ` })
    expect(res.status).toBe(201)
    expect(res.body.message.content).toBe(content)
    const reply = await f.staff.api.post(`/conversations/${scratch.id}/messages`, { clientId: uniq('max'), content: 'b'.repeat(5000), replyToId: res.body.message.id })
    expect(reply.status).toBe(201)
    const edited = await f.client.api.patch(`/messages/${res.body.message.id}`, { content: 'c'.repeat(5000) })
    expect(edited.status).toBe(200)
    expect(edited.body.message.content).toHaveLength(5000)
  })

  it('counts a message in characters as people see them: 2,600 emoji are accepted, 5,001 emoji are not', async () => {
    const emoji = '😀'.repeat(2600)
    const ok = await f.client.api.post(`/conversations/${scratch.id}/messages`, { clientId: uniq('emoji'), content: emoji })
    expect(ok.status).toBe(201)
    expect(ok.body.message.content).toBe(emoji)
    const edited = await f.client.api.patch(`/messages/${ok.body.message.id}`, { content: '👩🏽‍💻'.repeat(2000) })
    expect(edited.status).toBe(200)
    const refused = await f.client.api.post(`/conversations/${scratch.id}/messages`, { clientId: uniq('emoji'), content: '😀'.repeat(5001) })
    expect([refused.status, refused.body.data.code]).toEqual([422, 'validation_failed'])
  })

  it('stores display names normalised: no bidi override or zero-width character survives, NFC kept', async () => {
    const email = `${uniq('bidi').toLowerCase()}@example.test`
    const created = await f.admin.api.post('/admin/users', { email, displayName: '\u202Enimda\u200B Rene\u0301', role: 'member' })
    expect(created.status).toBe(201)
    expect(created.body.user.displayName).toBe('nimda René')
    const invisible = await f.admin.api.post('/admin/users', { email: `x${email}`, displayName: '\u202E\u200B\u2066', role: 'member' })
    expect([invisible.status, invisible.body.data.code]).toEqual([422, 'validation_failed'])

    // In a project of its own: the members of f.project are counted by a later test.
    const slug = uniq('names').toLowerCase()
    const project = await f.admin.api.post('/projects', { name: `Names ${slug}`, slug })
    const invite = await f.admin.api.post(`/projects/${project.body.project.id}/invites`, { role: 'client' })
    const redeemed = await new Api(baseURL()).post(`/invites/${invite.body.invite.token}/redeem`,
      { email: `r${email}`, password: 'long-enough-pw', displayName: 'Carl\u200D\u202E\u2067 M.' })
    expect(redeemed.status).toBe(200)
    expect(redeemed.body.user.displayName).toBe('Carl M.')
  })

  it('accepts the boundary values the refusals sit next to', async () => {
    const invite = await f.owner.api.post(`/projects/${f.project.id}/invites`, { role: 'client', expiresInHours: 720, maxUses: 100 })
    expect(invite.status).toBe(201)
    const shortest = await f.owner.api.post(`/projects/${f.project.id}/invites`, { role: 'client', expiresInHours: 1, maxUses: 1 })
    expect(shortest.status).toBe(201)
    for (const query of ['limit=1', 'limit=100', 'after=0', 'before=1', 'after=2147483647']) {
      const res = await f.client.api.get(`/conversations/${scratch.id}/messages?${query}`)
      expect(res.status, query).toBe(200)
    }
    for (const query of ['limit=1', 'limit=1000', 'after=0']) {
      const res = await f.client.api.get(`/conversations/${scratch.id}/events?${query}`)
      expect(res.status, query).toBe(200)
    }
    const read = await f.client.api.post(`/conversations/${scratch.id}/read`, { seq: 2_147_483_647 })
    expect(read.status).toBe(200)
    expect(read.body.lastReadSeq).toBeLessThan(2_147_483_647)
  })

  it('wrote nothing for any refused request: same lastSeq, events, history and read pointers', async () => {
    const after = await snapshot()
    expect(after).toEqual(before)
  })

  it('created no account, consumed no invite and made no project for any refused request', async () => {
    const projects = await admin.api.get('/projects')
    expect(JSON.stringify(projects.body)).not.toContain(MARK)
    const members = await f.owner.api.get(`/projects/${f.project.id}/members`)
    expect(members.body.members).toHaveLength(4)
    const conversations = await f.staff.api.get(`/projects/${f.project.id}/conversations`)
    expect(conversations.body.conversations.map((c: Conversation) => c.id).sort()).toEqual([watched.id, scratch.id].sort())
    const reports = await admin.api.get('/admin/reports')
    expect(reports.body.reports.filter((r: { messageId: string }) => r.messageId === clientMsg.id)).toEqual([])
    // The one-use invite survived every bad redeem.
    const redeemed = await new Api(baseURL()).post(redeem(), signUp())
    expect(redeemed.status, JSON.stringify(redeemed.body)).toBe(200)
    expect(redeemed.body.projectId).toBe(f.project.id)
  })
})
