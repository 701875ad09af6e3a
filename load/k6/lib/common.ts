// Shared by the k6 scenarios: settings from __ENV, REST fixtures made in setup(), the §5 frame shapes.
import http from 'k6/http'
import type { RefinedResponse, ResponseType } from 'k6/http'
import { fail } from 'k6'

export const BASE_URL = (__ENV.BASE_URL || 'http://localhost:3000').replace(/\/+$/, '')
export const WS_URL = BASE_URL.replace(/^http/, 'ws') + '/ws'

export function envInt(name: string, fallback: number): number {
  const raw = __ENV[name]
  if (raw === undefined || raw === '') return fallback
  const value = Number(raw)
  if (!Number.isFinite(value) || value < 0) fail(`${name} must be a non-negative number, got "${raw}"`)
  return value
}

/** A server frame of contract §5. */
export interface Frame {
  type: string
  id?: string
  ok?: boolean
  conversationId?: string
  seq?: number
  data?: { message?: { clientId: string, content: string, senderId: string }, [key: string]: unknown }
  error?: { code: string, message: string }
}

export interface BenchUser { id: string, token: string }

const RUN = `${Date.now().toString(36)}`

function json(res: RefinedResponse<ResponseType | undefined>, expected: number[], what: string): any {
  if (!expected.includes(res.status)) fail(`${what}: HTTP ${res.status} ${String(res.body).slice(0, 200)}`)
  return res.json()
}

const headers = (token?: string) => ({
  'content-type': 'application/json',
  ...(token ? { authorization: `Bearer ${token}` } : {})
})

export function post(path: string, body: unknown, token?: string) {
  return http.post(`${BASE_URL}/api${path}`, JSON.stringify(body), { headers: headers(token), tags: { name: path.replace(/[0-9a-f-]{36}/g, ':id') } })
}

export function get(path: string, token?: string, name?: string) {
  return http.get(`${BASE_URL}/api${path}`, { headers: headers(token), tags: { name: name ?? path.replace(/[0-9a-f-]{36}/g, ':id') } })
}

/** Signs in the admin named by ADMIN_EMAIL / ADMIN_PASSWORD (the server should run with RATE_LIMITS=off). */
export function adminToken(): string {
  const email = __ENV.ADMIN_EMAIL
  const password = __ENV.ADMIN_PASSWORD
  if (!email || !password) fail('set ADMIN_EMAIL and ADMIN_PASSWORD (a global admin of the server under test)')
  return json(post('/auth/login', { email, password }), [200], 'admin login').token
}

export function createProject(admin: string, label: string): string {
  const slug = `k6-${RUN}-${label}`.toLowerCase()
  return json(post('/projects', { name: `k6 ${label}`, slug }, admin), [201], 'create project').project.id
}

/** Accounts join through invites (100 uses each), redeemed signed out, ten at a time with http.batch. */
export function createUsers(admin: string, projectId: string, count: number, label: string): BenchUser[] {
  const users: BenchUser[] = []
  for (let first = 0; first < count; first += 100) {
    const size = Math.min(100, count - first)
    const invite = json(post(`/projects/${projectId}/invites`, { role: 'client', maxUses: size, expiresInHours: 1 }, admin), [201], 'invite')
    for (let i = 0; i < size; i += 10) {
      const batch = Array.from({ length: Math.min(10, size - i) }, (_, j) => {
        const handle = `k6${RUN}-${label}-${first + i + j}`.toLowerCase().slice(0, 32)
        const body = { email: `${handle}@k6.test`, password: 'k6-password-123', displayName: `k6 ${handle}`, handle }
        return { method: 'POST', url: `${BASE_URL}/api/invites/${invite.invite.token}/redeem`, body: JSON.stringify(body), params: { headers: headers() } }
      })
      for (const res of http.batch(batch)) {
        const redeemed = json(res, [200], 'redeem invite')
        users.push({ id: redeemed.user.id, token: redeemed.token })
      }
    }
  }
  return users
}

export function createConversation(admin: string, projectId: string, title: string, members: BenchUser[]): string {
  const body = { title, kind: 'group', participantIds: members.map(m => m.id) }
  return json(post(`/projects/${projectId}/conversations`, body, admin), [201], 'create conversation').conversation.id
}

export const socketUrl = (token: string) => `${WS_URL}?token=${encodeURIComponent(token)}`

export function parseFrame(data: unknown): Frame | undefined {
  if (typeof data !== 'string') return undefined
  try {
    return JSON.parse(data) as Frame
  } catch {
    return undefined
  }
}

/** Message content that carries its send time, so any VU can compute send → receive latency (one host clock). */
export const stampedContent = (tag: string, bytes: number) => `t=${Date.now()} ${tag} ${'x'.repeat(Math.max(0, bytes - 24))}`
export function sentAtOf(content: string | undefined): number | undefined {
  const match = content ? /^t=(\d+) /.exec(content) : null
  return match ? Number(match[1]) : undefined
}
