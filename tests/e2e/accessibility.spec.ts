import AxeBuilder from '@axe-core/playwright'
import type { Page } from '@playwright/test'
import { ADMIN } from '../helpers/app-process'
import type { Actor } from '../helpers/api'
import { expect, signInAs, test } from './fixtures'

// WCAG 2 A and AA, as axe-core checks them; `serious` and `critical` are the impacts that block someone.
// Each screen checked is also photographed into the test report, per project (desktop and phone).
async function expectNoSeriousViolations(page: Page, name: string, soft = false) {
  await test.info().attach(`${test.info().project.name}: ${name}`, { body: await page.screenshot(), contentType: 'image/png' })
  const { violations } = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa']).analyze()
  const blocking = violations.filter(v => v.impact === 'serious' || v.impact === 'critical')
  const report = blocking.map(v => `${v.id} (${v.impact}): ${v.nodes.map(n => n.target.join(' ')).join(', ')}`).join('\n')
  ;(soft ? expect.soft : expect)(blocking.map(v => v.id), `${name}:\n${report}`).toEqual([])
}

async function post(actor: Actor, conversationId: string, content: string, replyToId?: string): Promise<string> {
  const res = await actor.api.post(`/conversations/${conversationId}/messages`, { clientId: crypto.randomUUID(), content, ...(replyToId ? { replyToId } : {}) })
  expect(res.status, JSON.stringify(res.body)).toBe(201)
  return res.body.message.id
}

test('the login page has no serious accessibility violations', async ({ page }) => {
  await page.goto('/login')
  await expect(page.getByRole('button', { name: /sign in/i })).toBeVisible()
  await expectNoSeriousViolations(page, '/login')
})

test('the project list and a conversation with a reply and a reaction have no serious accessibility violations', async ({ page, world }) => {
  const question = await post(world.staff, world.conversation.id, 'How can we help?')
  await post(world.client, world.conversation.id, 'My invoice is wrong', question)
  expect((await world.client.api.post(`/messages/${question}/reactions`, { emoji: '👍' })).status).toBeLessThan(300)

  await signInAs(page, world.client)
  await page.goto('/')
  await expect(page.getByText(world.project.name)).toBeVisible()
  await expectNoSeriousViolations(page, 'project list')

  await page.goto(`/projects/${world.project.id}`)
  await expect(page.getByRole('navigation', { name: 'Conversations' })).toBeVisible()
  await expectNoSeriousViolations(page, 'conversation list')

  await page.goto(`/projects/${world.project.id}/c/${world.conversation.id}`)
  await expect(page.getByTestId('message-quote')).toBeVisible()
  await expect(page.getByTestId('reaction-chip')).toBeVisible()
  await expectNoSeriousViolations(page, 'conversation')
})

test('the admin pages have no serious accessibility violations', async ({ page, world, admin }) => {
  // Nine pages, each loaded to network idle and scanned by axe: 1.1 min on chromium and 1.6 on the phone project
  // on a slow day of this 2-core machine, so the budget is the journey's length, not a speed check.
  test.setTimeout(180_000)
  const messageId = await post(world.staff, world.conversation.id, 'something to report')
  expect((await world.client.api.post(`/messages/${messageId}/report`, { reason: 'abuse' })).status).toBe(201)

  await signInAs(page, { user: admin.user, password: ADMIN.password })
  for (const path of ['/admin', '/admin/users', '/admin/conversations', `/admin/conversations/${world.conversation.id}`,
    '/admin/reports', '/admin/audit', '/admin/exports', '/admin/files', '/admin/analytics']) {
    await page.goto(path)
    await expect(page.getByRole('heading', { level: 1 })).toBeVisible()
    // Lists and charts fill in after the first paint: wait until no request is in flight.
    await page.waitForLoadState('networkidle')
    // Soft: one run reports every page's violations, not only the first page's.
    await expectNoSeriousViolations(page, path, true)
  }
})
