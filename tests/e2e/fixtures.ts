import { test as base, expect } from '@playwright/test'
import type { Page } from '@playwright/test'
import { ADMIN } from '../helpers/app-process'
import { createProjectFixture, signIn, uniq } from '../helpers/api'
import type { Actor, ProjectFixture } from '../helpers/api'

export { expect }

export interface World extends ProjectFixture {
  /** A support conversation of the project with the staff member and the first client. */
  conversation: { id: string, title: string }
}

/** Creates a conversation through the REST API, as the given actor. */
export async function createConversation(actor: Actor, projectId: string, participantIds: string[], title = uniq('Support')) {
  const res = await actor.api.post(`/projects/${projectId}/conversations`, { title, kind: 'support', participantIds })
  if (res.status !== 201 && res.status !== 200) throw new Error(`create conversation failed: ${res.status} ${JSON.stringify(res.body)}`)
  return res.body.conversation as { id: string, title: string, projectId: string }
}

/** Signs the browser context in through the API: the session cookie lands in the context's jar. */
export async function signInAs(page: Page, actor: Pick<Actor, 'user' | 'password'>) {
  const res = await page.request.post('/api/auth/login', { data: { email: actor.user.email, password: actor.password } })
  expect(res.status(), await res.text()).toBe(200)
}

function appURL(): string {
  const url = process.env.SB_E2E_BASE_URL
  if (!url) throw new Error('SB_E2E_BASE_URL is not set: run through playwright.config.ts (its global setup boots the app)')
  return url
}

export const test = base.extend<{ world: World }, { admin: Actor, project: ProjectFixture }>({
  // After every full page load, wait until Vue has hydrated it (app/plugins/hydrated.client.ts marks <html>), or a
  // click or a keystroke on a busy machine can land on server-rendered markup that has no handlers yet.
  page: async ({ page }, use) => {
    const goto = page.goto.bind(page)
    page.goto = async (url, options) => {
      const response = await goto(url, options)
      await page.locator('html[data-hydrated]').waitFor({ state: 'attached' })
      return response
    }
    await use(page)
  },
  baseURL: [async ({}, use) => { // eslint-disable-line no-empty-pattern -- Playwright reads dependencies from the pattern
    await use(appURL())
  }, { scope: 'test' }],
  admin: [async ({}, use) => { // eslint-disable-line no-empty-pattern
    await use(await signIn(appURL(), ADMIN.email, ADMIN.password))
  }, { scope: 'worker' }],
  // One project (owner, staff, two clients) per worker: accounts are slow to make (scrypt), conversations are cheap.
  project: [async ({ admin }, use) => {
    await use(await createProjectFixture(appURL(), admin))
  }, { scope: 'worker' }],
  // Every test gets a conversation of its own, so tests never see each other's messages.
  world: async ({ project }, use) => {
    const conversation = await createConversation(project.staff, project.project.id, [project.client.user.id])
    await use({ ...project, conversation })
  }
})
