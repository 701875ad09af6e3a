import { readFile } from 'node:fs/promises'
import { ADMIN, ANALYST } from '../helpers/app-process'
import { signIn, uniq } from '../helpers/api'
import type { Actor } from '../helpers/api'
import { until } from '../helpers/wait'
import { createConversation, expect, signInAs, test } from './fixtures'

const analystLogin = { user: { email: ANALYST.email }, password: ANALYST.password } as Pick<Actor, 'user' | 'password'>

/** Refreshes the views; another test's refresh (or the scheduled one) answers 409 meanwhile, so wait for ours. */
async function refreshViews(admin: Actor) {
  await until(() => admin.api.post('/admin/analytics/refresh'), r => r.status === 200, 30_000)
}

async function send(actor: Actor, conversationId: string, content: string) {
  const res = await actor.api.post(`/conversations/${conversationId}/messages`, { clientId: uniq('c'), content })
  expect(res.status).toBe(201)
}

test('an analyst lands on the dashboard, filters by project in the URL, drills into a day by ids only and downloads the CSV', async ({ page, world, admin }) => {
  const title = uniq('Analytics thread')
  const conversation = await createConversation(world.staff, world.project.id, [world.client.user.id], title)
  await send(world.client, conversation.id, 'a client question')
  await send(world.staff, conversation.id, 'a staff answer')
  await send(world.client, conversation.id, 'thanks')
  await refreshViews(admin)

  await signInAs(page, analystLogin)
  await page.goto('/')
  await expect(page).toHaveURL(/\/admin\/analytics$/)
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Analytics')
  // Analysts reach the dashboard only.
  const nav = page.getByRole('navigation', { name: 'Admin sections' })
  await expect(nav.getByRole('link')).toHaveText(['Analytics'])
  await expect(page.getByTestId('analytics-freshness')).toContainText('Refreshed')

  await page.getByRole('combobox', { name: 'Project' }).click()
  await page.getByRole('option', { name: world.project.name }).click()
  await expect(page).toHaveURL(new RegExp(`projectId=${world.project.id}`))
  // The project's own messages: this test's three plus whatever other tests of this worker sent before the refresh.
  const messages = page.getByTestId('kpi-messages').getByTestId('kpi-value')
  await expect(messages).not.toHaveText('0')
  await expect(page.getByTestId('kpi-median').getByTestId('kpi-value')).not.toHaveText('—')
  // The three charts are drawn (canvas, named by what they show).
  await expect(page.locator('canvas[role="img"]')).toHaveCount(3)
  await expect(page.getByRole('img', { name: /Messages per day, stacked by conversation kind/ })).toBeVisible()

  // Drill-down through the chart's table (the keyboard's way in): today's bar, by id and counts only.
  const chart = page.locator('figure', { hasText: 'Messages per day' })
  await chart.getByRole('button', { name: 'Show as table' }).click()
  const today = new Date().toISOString().slice(0, 10)
  await chart.getByRole('button', { name: today }).click()
  await expect(page).toHaveURL(new RegExp(`day=${today}`))
  const drill = page.getByTestId('analytics-drill-table')
  await expect(drill).toContainText(conversation.id)
  await expect(page.getByTestId('admin-analytics')).not.toContainText(title)

  const downloading = page.waitForEvent('download')
  await page.getByTestId('analytics-csv').click()
  const csv = await readFile(await (await downloading).path(), 'utf8')
  expect(csv.split('\r\n')[0]).toBe('conversationId,projectId,kind,messages,participants,firstResponseMedianSeconds')
  expect(csv).toContain(conversation.id)
  expect(csv).not.toContain(title)

  // Every other admin page sends the analyst back to their dashboard.
  await page.goto('/admin/audit')
  await expect(page).toHaveURL(/\/admin\/analytics$/)
})

test('an admin refreshes the views, sees titles in the drill-down and an empty range says so', async ({ page, world, admin }) => {
  const title = uniq('Admin analytics')
  const conversation = await createConversation(world.staff, world.project.id, [world.client.user.id], title)
  await send(world.client, conversation.id, 'hello')
  await signInAs(page, { user: admin.user, password: ADMIN.password })
  await page.goto('/admin')
  await page.getByTestId('admin-section-analytics').click()
  await expect(page).toHaveURL(/\/admin\/analytics$/)

  // Another worker's refresh answers 409 meanwhile ("already running"): press again until ours runs.
  await until(async () => {
    const answered = page.waitForResponse(r => r.url().endsWith('/api/admin/analytics/refresh'))
    await page.getByTestId('analytics-refresh').click()
    return (await answered).status()
  }, status => status === 200, 30_000)
  await expect(page.getByText('Analytics refreshed').first()).toBeVisible()
  const today = new Date().toISOString().slice(0, 10)
  await page.goto(`/admin/analytics?projectId=${world.project.id}&day=${today}`)
  await expect(page.getByTestId('analytics-drill-table').getByRole('link', { name: title })).toBeVisible()

  await page.goto('/admin/analytics?from=2001-01-01&to=2001-01-31')
  await expect(page.getByTestId('analytics-empty')).toContainText('No messages in this range')
  await expect(page.getByTestId('kpi-messages').getByTestId('kpi-value')).toHaveText('0')
})

test('members never reach the dashboard', async ({ page, world, baseURL }) => {
  await signInAs(page, world.client)
  await page.goto('/admin/analytics')
  await expect(page).toHaveURL(new RegExp(`/projects/${world.project.id}$`))
  await expect(page.getByTestId('admin-analytics')).toHaveCount(0)
  const analyst = await signIn(baseURL!, ANALYST.email, ANALYST.password)
  expect((await analyst.api.get('/admin/analytics')).status).toBe(200)
})
