import { createProjectFixture, inviteUser, uniq } from '../helpers/api'
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

test('a project with a long slug fits its card on a phone: the slug ends in an ellipsis and keeps its full text as the title', async ({ page, admin }) => {
  const slug = `${'longslugwithoutbreaks'.repeat(3).slice(0, 50)}${crypto.randomUUID().slice(0, 8)}`
  const created = await admin.api.post('/projects', { name: `Project ${slug}`, slug })
  expect(created.status).toBe(201)
  const member = await inviteUser(admin.api, created.body.project.id, 'client')
  // A second project, so the list is shown instead of opening the only one.
  const second = await admin.api.post('/projects', { name: 'Second', slug: uniq('second').toLowerCase() })
  const invite = await admin.api.post(`/projects/${second.body.project.id}/invites`, { role: 'client' })
  expect((await member.api.post(`/invites/${invite.body.invite.token}/redeem`, {})).status).toBe(200)

  await page.setViewportSize({ width: 390, height: 844 })
  await signInAs(page, member)
  await page.goto('/')
  const card = page.locator(`[data-testid="project-link"][data-project-id="${created.body.project.id}"]`)
  await expect(card.locator('.project-card__slug')).toHaveAttribute('title', slug)
  expect(await card.evaluate(el => el.scrollWidth <= el.clientWidth)).toBe(true)
  expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true)
})
