import { createProjectFixture } from '../helpers/api'
import { createConversation, expect, signInAs, test } from './fixtures'

test('the project list shows unread counts, and a single project opens straight away', async ({ page, admin, baseURL }) => {
  const f = await createProjectFixture(baseURL!, admin)
  await signInAs(page, f.client)
  await page.goto('/')
  await expect(page).toHaveURL(new RegExp(`/projects/${f.project.id}$`))

  // A second project: now there is a choice, and the list shows where the unread messages are.
  const other = await createProjectFixture(baseURL!, admin)
  const invite = await other.owner.api.post(`/projects/${other.project.id}/invites`, { role: 'client' })
  expect((await f.client.api.post(`/invites/${invite.body.invite.token}/redeem`, {})).status).toBe(200)
  const conversation = await createConversation(other.staff, other.project.id, [f.client.user.id])
  for (const content of ['first', `second @${f.client.user.handle}`, 'third']) {
    await other.staff.api.post(`/conversations/${conversation.id}/messages`, { clientId: crypto.randomUUID(), content })
  }

  await page.goto('/')
  const otherCard = page.locator(`[data-testid="project-link"][data-project-id="${other.project.id}"]`)
  await expect(otherCard.getByTestId('project-unread-badge')).toHaveText('3')
  await expect(otherCard.getByTestId('project-unread-badge')).toHaveAttribute('aria-label', '3 unread messages')
  await expect(otherCard.getByTestId('project-mention-badge')).toHaveText('@1')
  const mineCard = page.locator(`[data-testid="project-link"][data-project-id="${f.project.id}"]`)
  await expect(mineCard).toBeVisible()
  await expect(mineCard.getByTestId('project-unread-badge')).toHaveCount(0)
})
