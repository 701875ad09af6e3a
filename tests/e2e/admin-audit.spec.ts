import { ADMIN } from '../helpers/app-process'
import { inviteUser } from '../helpers/api'
import { createConversation, expect, signInAs, test } from './fixtures'

test('an admin reads the audit log, filters it by action and pages through it by cursor', async ({ page, world, admin }) => {
  // A fresh actor, so this test's entries are the only ones its filter finds: one invite.redeem, three conversation.create.
  const actor = await inviteUser(world.owner.api, world.project.id, 'staff', 'auditee')
  for (const n of [1, 2, 3]) await createConversation(actor, world.project.id, [world.client.user.id], `Audit ${n}`)

  await signInAs(page, { user: admin.user, password: ADMIN.password })
  await page.goto('/admin')
  await page.getByTestId('admin-section-audit').click()
  await expect(page).toHaveURL(/\/admin\/audit$/)
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Audit log')
  await expect(page.getByTestId('audit-action').first()).toBeVisible()

  await page.goto(`/admin/audit?actorId=${actor.user.id}&limit=2`)
  const actions = page.getByTestId('audit-action')
  await expect(actions).toHaveCount(2)
  await expect(page.getByTestId('audit-summary')).toContainText('more below')

  await page.getByRole('combobox', { name: 'Action' }).click()
  await page.getByRole('option', { name: 'conversation.create' }).click()
  await page.getByTestId('audit-apply').click()
  await expect(page).toHaveURL(/action=conversation\.create/)
  await expect(page).toHaveURL(new RegExp(`actorId=${actor.user.id}`))
  await expect(actions).toHaveCount(2)
  await expect(actions).toHaveText(['conversation.create', 'conversation.create'])

  await page.getByTestId('audit-load-more').click()
  await expect(actions).toHaveCount(3)
  await expect(actions).toHaveText(Array(3).fill('conversation.create'))
  await expect(page.getByTestId('audit-load-more')).toHaveCount(0)
  await expect(page.getByTestId('audit-end')).toBeVisible()

  // Back restores the previous filters from the URL.
  await page.goBack()
  await expect(page).not.toHaveURL(/action=/)
  await expect(actions).toHaveCount(2)
})

test('the audit log shows the API\'s message for a filter it refuses', async ({ page, admin }) => {
  await signInAs(page, { user: admin.user, password: ADMIN.password })
  await page.goto('/admin/audit?actorId=not-a-uuid')
  await expect(page.getByTestId('audit-error')).toBeVisible()
  await expect(page.getByTestId('audit-error')).toContainText('Could not load the audit log')
  await page.getByRole('button', { name: 'Clear' }).click()
  await expect(page.getByTestId('audit-error')).toHaveCount(0)
  await expect(page.getByTestId('audit-action').first()).toBeVisible()
})

test('a non-admin opening /admin/audit is sent home (their only project)', async ({ page, world }) => {
  await signInAs(page, world.owner)
  await page.goto('/admin/audit')
  await expect(page).toHaveURL(new RegExp(`/projects/${world.project.id}$`))
  await expect(page.getByTestId('admin-audit')).toHaveCount(0)
  // The API is the real guard: to a member the route does not exist.
  expect((await world.owner.api.get('/admin/audit')).status).toBe(404)
})
