import { uniq } from '../helpers/api'
import { createConversation, expect, signInAs, test } from './fixtures'

test('a client cannot see another project in the UI', async ({ page, world, admin }) => {
  const slug = uniq('other').toLowerCase()
  const created = await admin.api.post('/projects', { name: `Other ${slug}`, slug })
  expect(created.status).toBe(201)
  const other = created.body.project as { id: string, name: string }
  const foreignConversation = await createConversation(admin, other.id, [])

  await signInAs(page, world.client)
  // Their only project: the project list hands them straight to it.
  await page.goto('/')
  await expect(page).toHaveURL(new RegExp(`/projects/${world.project.id}$`))
  await expect(page.getByText(other.name)).toHaveCount(0)
  expect((await world.client.api.get('/projects')).body.projects.map((p: { id: string }) => p.id)).toEqual([world.project.id])

  await page.goto(`/projects/${other.id}`)
  await expect(page.getByTestId('not-found')).toContainText('Project not found')
  await expect(page.getByTestId('conversation-link')).toHaveCount(0)

  // A foreign conversation id inside the client's own project is not found either.
  await page.goto(`/projects/${world.project.id}/c/${foreignConversation.id}`)
  await expect(page.getByTestId('conversation-not-found')).toContainText('Conversation not found')
})

test('a signed-out visitor is sent to the sign-in page and bad credentials are refused', async ({ page, world }) => {
  await page.goto(`/projects/${world.project.id}`)
  await expect(page).toHaveURL(/\/login\?redirect=/)
  await page.getByTestId('login-email').fill(world.client.user.email)
  await page.getByTestId('login-password').fill('not-the-password')
  await page.getByTestId('login-submit').click()
  await expect(page.getByTestId('login-error')).toHaveText('Invalid email or password')

  await page.getByTestId('login-password').fill(world.client.password)
  await page.getByTestId('login-submit').click()
  await expect(page).toHaveURL(new RegExp(`/projects/${world.project.id}$`))
  await expect(page.getByTestId('project-name')).toBeVisible()
})
