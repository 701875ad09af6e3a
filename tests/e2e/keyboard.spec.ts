import type { Page } from '@playwright/test'
import type { Actor } from '../helpers/api'
import { expect, signInAs, test } from './fixtures'

async function post(actor: Actor, conversationId: string, content: string) {
  const res = await actor.api.post(`/conversations/${conversationId}/messages`, { clientId: crypto.randomUUID(), content })
  expect(res.status, JSON.stringify(res.body)).toBe(201)
}

// As a keyboard user arriving on the page: the next Tab goes to the document's first focusable element
// (a blur alone leaves Chromium's sequential navigation starting point at the element that had the focus).
async function startTabbingFromTheTop(page: Page) {
  await page.evaluate(() => {
    document.body.tabIndex = -1
    document.body.focus()
    document.body.removeAttribute('tabindex')
  })
}

test('the composer has the focus when a conversation opens', async ({ page, world }) => {
  await signInAs(page, world.client)
  await page.goto(`/projects/${world.project.id}/c/${world.conversation.id}`)
  await expect(page.getByTestId('composer')).toBeFocused()
})

test('Escape in the composer cancels a reply in progress', async ({ page, world }) => {
  await post(world.staff, world.conversation.id, 'Which plan are you on?')
  await signInAs(page, world.client)
  await page.goto(`/projects/${world.project.id}/c/${world.conversation.id}`)
  const original = page.getByTestId('message-item').filter({ hasText: 'Which plan are you on?' })
  await original.hover()
  await original.getByTestId('reply-button').click()
  await expect(page.getByTestId('composer-reply')).toBeVisible()
  await expect(page.getByTestId('composer')).toBeFocused()

  await page.getByTestId('composer').press('Escape')
  await expect(page.getByTestId('composer-reply')).toHaveCount(0)
})

test('ArrowUp in an empty composer edits your last message, and Escape cancels the edit', async ({ page, world }) => {
  await post(world.client, world.conversation.id, 'my first words')
  await post(world.client, world.conversation.id, 'my latest words')
  await post(world.staff, world.conversation.id, 'a reply from staff')
  await signInAs(page, world.client)
  await page.goto(`/projects/${world.project.id}/c/${world.conversation.id}`)
  const composer = page.getByTestId('composer')
  await expect(composer).toBeFocused()

  await expect(page.getByTestId('message-item').nth(1)).toContainText('my latest words')
  await composer.fill('not empty')
  await composer.press('ArrowUp')
  await expect(page.getByTestId('edit-input')).toHaveCount(0)

  await composer.fill('')
  await composer.press('ArrowUp')
  // By position: while it is edited, its text is in a field, which hasText does not see.
  const latest = page.getByTestId('message-item').nth(1)
  const edit = latest.getByTestId('edit-input')
  await expect(edit).toBeFocused()
  await expect(edit).toHaveValue('my latest words')

  await edit.press('Escape')
  await expect(page.getByTestId('edit-input')).toHaveCount(0)
  await expect(latest.getByTestId('message-content')).toHaveText('my latest words')
  await expect(composer).toBeFocused()

  await composer.press('ArrowUp')
  await latest.getByTestId('edit-input').fill('my corrected words')
  await latest.getByTestId('edit-input').press('Enter')
  await expect(latest.getByTestId('message-content')).toHaveText('my corrected words')
  await expect(latest.getByTestId('message-edited')).toBeVisible()
})

test('the skip links are the first Tab stops and move the focus', async ({ page, world }) => {
  await post(world.staff, world.conversation.id, 'Hello there')
  await signInAs(page, world.client)
  await page.goto(`/projects/${world.project.id}/c/${world.conversation.id}`)
  await expect(page.getByTestId('composer')).toBeFocused()

  await startTabbingFromTheTop(page)
  await page.keyboard.press('Tab')
  const toComposer = page.getByRole('link', { name: 'Skip to the composer' })
  await expect(toComposer).toBeFocused()
  await expect(toComposer).toBeVisible()
  await page.keyboard.press('Tab')
  const toMessages = page.getByRole('link', { name: 'Skip to messages' })
  await expect(toMessages).toBeFocused()

  await page.keyboard.press('Enter')
  await expect(page.getByRole('region', { name: 'Messages' })).toBeFocused()

  await startTabbingFromTheTop(page)
  await page.keyboard.press('Tab')
  await page.keyboard.press('Enter')
  await expect(page.getByTestId('composer')).toBeFocused()
})

test('new messages from others are announced in a polite live log, history is not', async ({ page, world }) => {
  await post(world.staff, world.conversation.id, 'already here before opening')
  await signInAs(page, world.client)
  await page.goto(`/projects/${world.project.id}/c/${world.conversation.id}`)
  const log = page.getByRole('log', { name: 'New messages' })
  await expect(log).toHaveAttribute('aria-live', 'polite')
  await expect(log).toHaveText('')

  await post(world.staff, world.conversation.id, 'a live one')
  await expect(log).toContainText('a live one')
  await expect(log).toContainText(world.staff.user.displayName)
  // Read as words: the markup of a formatted message is not spelled out.
  await post(world.staff, world.conversation.id, '**Deadline** is `Friday`')
  await expect(log).toContainText('Deadline is Friday')
  await expect(log).not.toContainText('**')

  await page.getByTestId('composer').fill('my own message')
  await page.getByTestId('composer').press('Enter')
  await expect(page.getByTestId('message-content').filter({ hasText: 'my own message' })).toBeVisible()
  await expect(log).not.toContainText('my own message')
  await expect(log).not.toContainText('already here before opening')
})

test('without a mouse: arrows move through the messages, Tab reaches a message\'s toolbar, Enter opens its actions', async ({ page, world }) => {
  await post(world.staff, world.conversation.id, 'First from staff')
  await post(world.staff, world.conversation.id, 'Second from staff')
  await signInAs(page, world.client)
  await page.goto(`/projects/${world.project.id}/c/${world.conversation.id}`)
  const first = page.getByTestId('message-item').filter({ hasText: 'First from staff' })
  const second = page.getByTestId('message-item').filter({ hasText: 'Second from staff' })

  // Skip link to the list, then ArrowUp starts at the newest message and walks back.
  await startTabbingFromTheTop(page)
  await page.keyboard.press('Tab')
  await page.keyboard.press('Tab')
  await page.keyboard.press('Enter')
  await expect(page.getByTestId('message-list')).toBeFocused()
  await page.keyboard.press('ArrowUp')
  await expect(second).toBeFocused()
  await page.keyboard.press('ArrowUp')
  await expect(first).toBeFocused()
  await page.keyboard.press('ArrowDown')
  await expect(second).toBeFocused()

  // The focused message shows its toolbar, and Tab goes into it.
  await page.keyboard.press('Tab')
  await expect(second.getByTestId('reaction-button')).toBeFocused()
  await page.keyboard.press('Tab')
  await expect(second.getByTestId('reply-button')).toBeFocused()
  await page.keyboard.press('Enter')
  await expect(page.getByTestId('composer-reply')).toContainText('Second from staff')
  await page.getByTestId('composer').press('Escape')

  // Enter on a message opens its actions sheet; the quick reactions come first.
  await page.getByTestId('message-list').focus()
  await page.keyboard.press('ArrowUp')
  await expect(second).toBeFocused()
  await page.keyboard.press('Enter')
  const sheet = page.getByTestId('message-action-sheet')
  await expect(sheet).toBeVisible()
  await expect(sheet.getByTestId('sheet-emoji').first()).toBeFocused()
  await page.keyboard.press('Enter')
  await expect(sheet).toHaveCount(0)
  await expect(second.getByTestId('reaction-chip')).toContainText('1')
  // Closing hands the focus back to the message it was opened from.
  await expect(second).toBeFocused()
})
