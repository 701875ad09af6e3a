import { ADMIN } from '../../helpers/app-process'
import { createConversation, signInAs, test } from '../fixtures'

test('screenshots', async ({ page, world, admin }) => {
  await page.setViewportSize({ width: 1280, height: 900 })
  const c = await createConversation(world.staff, world.project.id, [world.client.user.id], 'Screenshot conversation')
  for (const t of ['hello there', 'a second message', 'third one']) await world.staff.api.post(`/conversations/${c.id}/messages`, { clientId: crypto.randomUUID(), content: t })
  await signInAs(page, { user: admin.user, password: ADMIN.password })
  await page.goto('/admin/users')
  await page.getByTestId('user-row').first().waitFor()
  await page.screenshot({ path: '/tmp/shot-users.png', fullPage: true })
  await page.goto('/admin/conversations')
  await page.getByTestId('conversation-open').first().waitFor()
  await page.screenshot({ path: '/tmp/shot-convs.png', fullPage: true })
  await page.goto(`/admin/conversations/${c.id}`)
  await page.getByTestId('admin-message').first().waitFor()
  await page.screenshot({ path: '/tmp/shot-conv.png', fullPage: true })
})
