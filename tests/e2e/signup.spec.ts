import { uniq } from '../helpers/api'
import { expect, test } from './fixtures'

test('a person an admin created sets a password through the one-time link and is signed in', async ({ page, admin }) => {
  const email = `${uniq('made').toLowerCase()}@example.test`
  const created = await admin.api.post('/admin/users', { email, displayName: 'Made By Admin' })
  expect(created.status).toBe(201)
  await page.goto(new URL(created.body.inviteUrl).pathname)
  await page.getByTestId('signup-password').fill('a-fine-password')
  await page.getByTestId('signup-submit').click()
  await expect(page).toHaveURL(/\/$/)
  await expect(page.getByTestId('current-user')).toHaveText('Made By Admin')

  // The link is used up: opening it again (signed out) says so.
  await page.context().clearCookies()
  await page.goto(new URL(created.body.inviteUrl).pathname)
  await page.getByTestId('signup-password').fill('another-password')
  await page.getByTestId('signup-submit').click()
  await expect(page.getByTestId('signup-error')).toContainText('already used or has expired')
})

test('a signed-out visitor accepts a project invite, creating their account, and lands in the project', async ({ page, project }) => {
  const invite = await project.owner.api.post(`/projects/${project.project.id}/invites`, { role: 'client' })
  expect(invite.status).toBe(201)
  await page.goto(`/invite/${invite.body.invite.token}`)
  await page.getByTestId('invite-name').fill('Invited Person')
  await page.getByTestId('invite-email').fill(`${uniq('inv').toLowerCase()}@example.test`)
  await page.getByTestId('invite-password').fill('a-fine-password')
  await page.getByTestId('invite-submit').click()
  await expect(page).toHaveURL(new RegExp(`/projects/${project.project.id}`))
})
