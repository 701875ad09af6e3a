import { createProjectFixture } from '../helpers/api'
import { createConversation, expect, signInAs, test } from './fixtures'

test('a suspended user\'s open tab is signed out and told why', async ({ page, admin, baseURL }) => {
  // A project of its own: suspending the worker's shared client would break the tests after this one.
  const g = await createProjectFixture(baseURL!, admin)
  const conversation = await createConversation(g.staff, g.project.id, [g.client.user.id])
  await signInAs(page, g.client)
  await page.goto(`/projects/${g.project.id}/c/${conversation.id}`)
  await expect(page.locator('.app-shell')).toHaveAttribute('data-realtime', 'open')

  const res = await admin.api.post(`/admin/users/${g.client.user.id}/suspend`, { reason: 'spam' })
  expect(res.status).toBe(200)
  await expect(page).toHaveURL(/\/login\?reason=suspended/)
  await expect(page.getByTestId('login-notice')).toHaveText('Your account has been suspended.')

  // Signing in again is refused with the same reason.
  await page.getByTestId('login-email').fill(g.client.user.email)
  await page.getByTestId('login-password').fill(g.client.password)
  await page.getByTestId('login-submit').click()
  await expect(page.getByTestId('login-error')).toHaveText('This account is suspended.')
})
