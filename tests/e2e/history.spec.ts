import type { Actor } from '../helpers/api'
import { expect, signInAs, test } from './fixtures'

async function post(actor: Actor, conversationId: string, content: string) {
  const res = await actor.api.post(`/conversations/${conversationId}/messages`, { clientId: crypto.randomUUID(), content })
  expect(res.status, JSON.stringify(res.body)).toBe(201)
}

test('scrolling to the top loads older messages and keeps the reader in place', async ({ page, world }) => {
  for (let i = 1; i <= 70; i++) await post(world.staff, world.conversation.id, `history message ${i}`)

  await signInAs(page, world.client)
  await page.goto(`/projects/${world.project.id}/c/${world.conversation.id}`)
  const items = page.getByTestId('message-item')
  await expect(items).toHaveCount(50)
  await expect(items.last()).toContainText('history message 70')
  await expect(items.last()).toBeInViewport()

  const anchor = items.filter({ hasText: /history message 21$/ })
  const older = page.waitForResponse(r => r.url().includes(`/conversations/${world.conversation.id}/messages?before=`))
  await page.getByTestId('message-list').evaluate((el) => {
    el.scrollTop = 0
  })
  await older
  await expect(items).toHaveCount(70)
  await expect(items.first()).toContainText('history message 1')
  // The message that was at the top before the older page arrived is still on screen.
  await expect(anchor).toBeInViewport()
  await expect(page.getByText('This is the start of the conversation')).toBeAttached()
})

test('the unread badge counts new messages and clears once the conversation is read', async ({ page, world }) => {
  await post(world.staff, world.conversation.id, 'first unread')
  await post(world.staff, world.conversation.id, 'second unread')

  await signInAs(page, world.client)
  await page.goto(`/projects/${world.project.id}`)
  const link = page.locator(`[data-testid="conversation-link"][data-conversation-id="${world.conversation.id}"]`)
  await expect(link.getByTestId('unread-badge')).toHaveText('2')

  const read = page.waitForResponse(r => r.url().endsWith(`/conversations/${world.conversation.id}/read`))
  await link.click()
  expect((await read).status()).toBe(200)
  await expect(link.getByTestId('unread-badge')).toHaveCount(0)

  await page.reload()
  await expect(page.getByTestId('message-item')).toHaveCount(2)
  await expect(link.getByTestId('unread-badge')).toHaveCount(0)
})
