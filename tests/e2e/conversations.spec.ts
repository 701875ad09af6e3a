import { expect, signInAs, test } from './fixtures'

test('a staff member creates a conversation with a client and lands in it', async ({ page, world }) => {
  await signInAs(page, world.staff)
  await page.goto(`/projects/${world.project.id}`)
  await page.getByTestId('new-conversation').click()
  const form = page.getByTestId('conversation-create-form')
  await form.getByTestId('conversation-title').fill('Billing question')
  await form.getByTestId('conversation-kind').selectOption('support')
  await form.locator(`[data-testid="participant-option"][value="${world.client2.user.id}"]`).check()
  const created = page.waitForResponse(r => r.url().endsWith(`/projects/${world.project.id}/conversations`) && r.request().method() === 'POST')
  await form.getByTestId('conversation-create-submit').click()
  expect((await created).status()).toBe(201)

  await expect(page).toHaveURL(/\/c\/[0-9a-f-]{36}$/)
  await expect(page.getByTestId('conversation-title')).toHaveText('Billing question')
  await expect(page.getByText('No messages yet')).toBeVisible()
  await expect(page.getByTestId('conversation-link').filter({ hasText: 'Billing question' })).toHaveAttribute('aria-current', 'page')
})

test('a client is not offered to create conversations', async ({ page, world }) => {
  await signInAs(page, world.client)
  await page.goto(`/projects/${world.project.id}`)
  await expect(page.getByTestId('project-name')).toBeVisible()
  await expect(page.getByTestId('new-conversation')).toHaveCount(0)
})
