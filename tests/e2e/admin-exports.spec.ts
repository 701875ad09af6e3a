import { readFile } from 'node:fs/promises'
import { ADMIN } from '../helpers/app-process'
import { uniq } from '../helpers/api'
import { unzip } from '../helpers/exports'
import { createConversation, expect, signInAs, test } from './fixtures'

test('an admin exports a whole project as one zip, watches it finish and finds it in the recent exports', async ({ page, world, admin }) => {
  const second = await createConversation(world.staff, world.project.id, [world.client2.user.id], uniq('Second'))
  for (const [conversationId, content] of [[world.conversation.id, 'first thread'], [second.id, 'second thread']] as const) {
    const res = await world.staff.api.post(`/conversations/${conversationId}/messages`, { clientId: uniq('c'), content })
    expect(res.status).toBe(201)
  }

  await signInAs(page, { user: admin.user, password: ADMIN.password })
  await page.goto('/admin')
  await page.getByTestId('admin-section-exports').click()
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Exports')
  await page.getByRole('combobox', { name: 'Project' }).click()
  await page.getByRole('option', { name: world.project.name }).click()

  const downloading = page.waitForEvent('download')
  await page.getByTestId('export-start').click()
  const download = await downloading
  expect(download.suggestedFilename()).toBe(`project-${world.project.slug}.zip`)
  const entries = await unzip(await readFile(await download.path()))
  const manifest = JSON.parse(entries.at(-1)!.data.toString('utf8'))
  expect(manifest.project.id).toBe(world.project.id)
  expect(entries.map(e => e.path)).toEqual(expect.arrayContaining([
    `conversations/${world.conversation.id}/messages.ndjson`, `conversations/${second.id}/messages.ndjson`
  ]))

  await expect(page.getByTestId('export-outcome')).toContainText('Export complete')
  await expect(page.getByTestId('export-progress-counts')).toContainText(`${manifest.counts.messages} of ${manifest.counts.messages} messages`)
  // Other workers export too: the row is found by this project's name, not by position.
  const row = page.getByTestId('export-table').locator('tbody tr', { hasText: world.project.name }).first()
  await expect(row.getByTestId('export-status')).toHaveText('completed')
  await expect(row).toContainText('project')
})

test('a conversation opened by link exports as CSV; an end date before the start date is refused in the form', async ({ page, world, admin }) => {
  const res = await world.client.api.post(`/conversations/${world.conversation.id}/messages`, { clientId: uniq('c'), content: '=1+2' })
  expect(res.status).toBe(201)
  await signInAs(page, { user: admin.user, password: ADMIN.password })
  await page.goto(`/admin/exports?projectId=${world.project.id}&conversationId=${world.conversation.id}`)
  await expect(page.getByRole('combobox', { name: 'Conversation' })).toContainText(world.conversation.title)

  await page.getByRole('combobox', { name: 'Format' }).click()
  await page.getByRole('option', { name: /^csv/ }).click()
  await page.getByTestId('export-from').fill('2030-01-02')
  await page.getByTestId('export-to').fill('2030-01-01')
  await expect(page.getByText('The end date is before the start date.')).toBeVisible()
  await expect(page.getByTestId('export-start')).toBeDisabled()
  await page.getByTestId('export-from').fill('')
  await page.getByTestId('export-to').fill('')

  const downloading = page.waitForEvent('download')
  await page.getByTestId('export-start').click()
  const csv = await readFile(await (await downloading).path(), 'utf8')
  expect(csv.split('\r\n')[0]).toMatch(/^id,seq,createdAt,/)
  expect(csv).toContain('\'=1+2')
  await expect(page.getByTestId('export-outcome')).toContainText('Export complete')
})

test('a non-admin opening /admin/exports is sent home (their only project)', async ({ page, world }) => {
  await signInAs(page, world.owner)
  await page.goto('/admin/exports')
  await expect(page).toHaveURL(new RegExp(`/projects/${world.project.id}$`))
  await expect(page.getByTestId('admin-exports')).toHaveCount(0)
})
