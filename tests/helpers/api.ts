import { randomBytes } from 'node:crypto'

export interface ApiResponse<T = any> { status: number, body: T, headers: Headers }

/** A tiny JSON client for the contract's REST API: bearer token or none, never throws on 4xx/5xx. */
export class Api {
  constructor(readonly baseURL: string, public token?: string) {}

  async request<T = any>(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<ApiResponse<T>> {
    const res = await fetch(`${this.baseURL}/api${path}`, {
      method,
      headers: {
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...(this.token ? { authorization: `Bearer ${this.token}` } : {}),
        ...headers
      },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body)
    })
    const text = await res.text()
    let parsed: unknown = text
    try {
      parsed = text ? JSON.parse(text) : undefined
    } catch { /* not JSON: keep the text for the assertion message */ }
    return { status: res.status, body: parsed as T, headers: res.headers }
  }

  get<T = any>(path: string) { return this.request<T>('GET', path) }
  post<T = any>(path: string, body: unknown = {}) { return this.request<T>('POST', path, body) }
  patch<T = any>(path: string, body: unknown) { return this.request<T>('PATCH', path, body) }
  del<T = any>(path: string, body?: unknown) { return this.request<T>('DELETE', path, body) }
}

export interface Actor { api: Api, user: { id: string, email: string, handle: string, displayName: string, role: string }, token: string, password: string }

export async function signIn(baseURL: string, email: string, password: string): Promise<Actor> {
  const api = new Api(baseURL)
  const res = await api.post('/auth/login', { email, password })
  if (res.status !== 200) throw new Error(`login ${email} failed: ${res.status} ${JSON.stringify(res.body)}`)
  api.token = res.body.token
  return { api, user: res.body.user, token: res.body.token, password }
}

export const uniq = (label = 'x') => `${label}-${randomBytes(4).toString('hex')}`

/** Creates an account through an invite of the project (the contract's only sign-up path) and signs it in. */
export async function inviteUser(inviter: Api, projectId: string, role: 'owner' | 'staff' | 'client', name: string = role): Promise<Actor> {
  const invite = await inviter.post(`/projects/${projectId}/invites`, { role })
  if (invite.status !== 201) throw new Error(`invite failed: ${invite.status} ${JSON.stringify(invite.body)}`)
  const handle = uniq(name).toLowerCase()
  const email = `${handle}@example.test`
  const password = 'correct-horse-battery'
  const redeemed = await new Api(inviter.baseURL).post(`/invites/${invite.body.invite.token}/redeem`, {
    email, password, displayName: `${name} ${handle.slice(-4)}`, handle
  })
  if (redeemed.status !== 200) throw new Error(`redeem failed: ${redeemed.status} ${JSON.stringify(redeemed.body)}`)
  return { api: new Api(inviter.baseURL, redeemed.body.token), user: redeemed.body.user, token: redeemed.body.token, password }
}

export interface ProjectFixture {
  project: { id: string, slug: string, name: string }
  admin: Actor
  owner: Actor
  staff: Actor
  client: Actor
  client2: Actor
}

/** A project with an owner, a staff member and two clients, created by the seeded admin. */
export async function createProjectFixture(baseURL: string, admin: Actor): Promise<ProjectFixture> {
  const slug = uniq('p').toLowerCase()
  const created = await admin.api.post('/projects', { name: `Project ${slug}`, slug })
  if (created.status !== 201) throw new Error(`create project failed: ${created.status} ${JSON.stringify(created.body)}`)
  const project = created.body.project
  const owner = await inviteUser(admin.api, project.id, 'owner')
  const staff = await inviteUser(owner.api, project.id, 'staff')
  const client = await inviteUser(staff.api, project.id, 'client')
  const client2 = await inviteUser(staff.api, project.id, 'client', 'client2')
  return { project, admin, owner, staff, client, client2 }
}
