import type { Page } from '@playwright/test'
import type { Actor } from '../helpers/api'
import { expect, signInAs, test } from './fixtures'
import type { World } from './fixtures'
import { messageItem } from './sessions'

const post = async (actor: Actor, conversationId: string, content: string) => {
  const res = await actor.api.post(`/conversations/${conversationId}/messages`, { clientId: crypto.randomUUID(), content })
  expect(res.status).toBe(201)
  return res.body.message as { seq: number }
}

/** The client has read ten messages; sixty more arrive (more than one page) before they open the conversation. */
async function comeBackTo(page: Page, world: World) {
  let readUpTo = 0
  for (let i = 1; i <= 10; i++) readUpTo = (await post(world.staff, world.conversation.id, `Already read ${i}`)).seq
  expect((await world.client.api.post(`/conversations/${world.conversation.id}/read`, { seq: readUpTo })).status).toBe(200)
  for (let i = 1; i <= 60; i++) await post(world.staff, world.conversation.id, `Unread number ${i}`)
  await signInAs(page, world.client)
  await page.goto(`/projects/${world.project.id}/c/${world.conversation.id}`)
}

// Runs in both projects of playwright.config.ts: desktop, and the phone (390×844, touch).
test('a conversation opens at the first unread message under a "New messages" divider, with a way to the latest', async ({ page, world }) => {
  await comeBackTo(page, world)
  const divider = page.getByTestId('unread-divider')
  await expect(divider).toBeInViewport()
  await expect(divider).toHaveAccessibleName('New messages')
  // The divider sits right above the first message after the reader's mark, even though it was a page back.
  const afterDivider = page.locator('[data-testid="unread-divider"] + [data-testid="message-item"]')
  await expect(afterDivider.getByTestId('message-content')).toHaveText('Unread number 1')
  // It starts a group of its own: the sender is named again below the divider.
  await expect(afterDivider.getByTestId('message-sender')).toBeVisible()
  await expect(messageItem(page, 'Unread number 60')).not.toBeInViewport()

  await page.getByTestId('jump-to-latest').click()
  await expect(messageItem(page, 'Unread number 60')).toBeInViewport()
  await expect(page.getByTestId('jump-to-latest')).toHaveCount(0)
  // Reading to the end clears the unread count on the server.
  await expect.poll(async () => {
    const res = await world.client.api.get(`/projects/${world.project.id}/conversations`)
    return res.body.conversations.find((c: { id: string }) => c.id === world.conversation.id)?.unreadCount
  }).toBe(0)
})

test('scrolled up, a new message is counted on the jump button instead of moving the reader', async ({ page, world }) => {
  await comeBackTo(page, world)
  await expect(page.getByTestId('jump-to-latest')).toHaveText(/Jump to latest/)
  await post(world.staff, world.conversation.id, 'Arrived while you were reading')
  await expect(page.getByTestId('jump-to-latest')).toHaveText(/1 new message/)
  await expect(page.getByTestId('unread-divider')).toBeInViewport()
  await page.getByTestId('jump-to-latest').click()
  await expect(messageItem(page, 'Arrived while you were reading')).toBeInViewport()
})

test('with nothing unread the conversation opens at the newest message, with no divider', async ({ page, world }) => {
  for (let i = 1; i <= 40; i++) await post(world.client, world.conversation.id, `My own note ${i}`)
  await signInAs(page, world.client)
  await page.goto(`/projects/${world.project.id}/c/${world.conversation.id}`)
  await expect(messageItem(page, 'My own note 40')).toBeInViewport()
  await expect(page.getByTestId('unread-divider')).toHaveCount(0)
  await expect(page.getByTestId('jump-to-latest')).toHaveCount(0)
})
