import type { Locator, Page, TestInfo } from '@playwright/test'
import { createProjectFixture } from '../helpers/api'
import type { Actor } from '../helpers/api'
import { createConversation, expect, signInAs, test } from './fixtures'
import { messageItem, send, sessionsOf } from './sessions'

// Runs only in the `phone` project of playwright.config.ts (390×844, touch, a mobile viewport).
const sessions = sessionsOf()
test.afterEach(() => sessions.closeAll())

const post = (actor: Actor, conversationId: string, content: string) =>
  actor.api.post(`/conversations/${conversationId}/messages`, { clientId: crypto.randomUUID(), content })

/** A screenshot of the screen as the reader sees it, attached to the test report. */
async function snap(page: Page, testInfo: TestInfo, name: string) {
  await testInfo.attach(name, { body: await page.screenshot(), contentType: 'image/png' })
}

/** Wholly inside the phone's screen: seen without scrolling the page or zooming. */
async function expectOnScreen(locator: Locator) {
  const box = await locator.boundingBox()
  expect(box, 'element has a box').not.toBeNull()
  expect(box!.y).toBeGreaterThanOrEqual(0)
  expect(box!.y + box!.height).toBeLessThanOrEqual(844)
  expect(box!.x + box!.width).toBeLessThanOrEqual(390)
}

async function expectNoSidewaysScroll(page: Page) {
  expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true)
}

/** A finger resting on the element until the action sheet opens, through Chromium's touch input. */
async function longPress(page: Page, target: Locator) {
  const box = (await target.boundingBox())!
  const point = { x: box.x + box.width / 2, y: box.y + Math.min(box.height / 2, 12) }
  const cdp = await page.context().newCDPSession(page)
  await cdp.send('Input.dispatchTouchEvent', { type: 'touchStart', touchPoints: [point] })
  await expect(page.getByTestId('message-action-sheet')).toBeVisible()
  await cdp.send('Input.dispatchTouchEvent', { type: 'touchEnd', touchPoints: [] })
  await cdp.detach()
}

test('the phone journey: pick a project, pick a conversation, read the newest message, reply, go back', async ({ page, admin, baseURL }, testInfo) => {
  const home = await createProjectFixture(baseURL!, admin)
  const other = await createProjectFixture(baseURL!, admin)
  // Two projects, so the client is asked which one (a single project opens straight away).
  const invite = await other.owner.api.post(`/projects/${other.project.id}/invites`, { role: 'client' })
  expect((await home.client.api.post(`/invites/${invite.body.invite.token}/redeem`, {})).status).toBe(200)
  const conversation = await createConversation(home.staff, home.project.id, [home.client.user.id], 'Kitchen refit')
  await createConversation(home.staff, home.project.id, [home.client.user.id], 'Invoices')
  for (let i = 1; i <= 30; i++) await post(home.staff, conversation.id, `Update number ${i} on the refit`)
  await post(home.staff, conversation.id, 'The tiles arrive on Monday')
  const staff = await sessions.open(page.context().browser()!, baseURL, home.staff, `/projects/${home.project.id}/c/${conversation.id}`)

  await signInAs(page, home.client)
  await page.goto('/')
  // The header stays on one line: the name is left to the avatar, Sign out to its icon.
  const header = page.locator('.app-header')
  expect((await header.boundingBox())!.height).toBeLessThanOrEqual(56)
  await expect(page.getByTestId('sign-out')).toHaveAccessibleName('Sign out')
  await expectNoSidewaysScroll(page)
  await snap(page, testInfo, 'phone-projects')

  await page.locator(`[data-testid="project-link"][data-project-id="${home.project.id}"]`).tap()
  // The conversation list is a view of its own: no conversation pane beside it.
  await expect(page.getByTestId('workspace')).toHaveAttribute('data-view', 'list')
  await expect(page.getByRole('navigation', { name: 'Conversations' })).toBeVisible()
  await expect(page.getByText('Pick a conversation')).toBeHidden()
  await expectNoSidewaysScroll(page)
  await snap(page, testInfo, 'phone-conversations')

  await page.locator(`[data-testid="conversation-link"][data-conversation-id="${conversation.id}"]`).tap()
  await expect(page.getByTestId('workspace')).toHaveAttribute('data-view', 'conversation')
  await expect(page.getByRole('navigation', { name: 'Conversations' })).toBeHidden()
  // Opens at the newest message, with the composer on screen (not 4,900 px down the page).
  const newest = messageItem(page, 'The tiles arrive on Monday')
  await expect(newest).toBeInViewport()
  await expectOnScreen(page.getByTestId('composer'))
  // At least 16 px, or a phone's browser zooms in when the composer takes the focus.
  expect(Number.parseFloat(await page.getByTestId('composer').evaluate(el => getComputedStyle(el).fontSize))).toBeGreaterThanOrEqual(16)
  await expectOnScreen(page.getByTestId('conversation-title'))
  await expectOnScreen(page.getByTestId('conversation-back'))
  await expectNoSidewaysScroll(page)
  // No toolbar on every message: the actions wait behind "…".
  await expect(newest.getByTestId('reply-button')).toBeHidden()
  await snap(page, testInfo, 'phone-conversation')

  await newest.getByTestId('message-more').tap()
  await expect(page.getByTestId('message-action-sheet')).toBeVisible()
  await snap(page, testInfo, 'phone-message-actions')
  await page.getByTestId('sheet-reply').tap()
  await expect(page.getByTestId('message-action-sheet')).toHaveCount(0)
  await expect(page.locator('.composer__reply')).toContainText('The tiles arrive on Monday')
  await send(page, 'Monday works, thanks')
  await expect(messageItem(staff.page, 'Monday works, thanks')).toBeVisible()
  await expect(messageItem(staff.page, 'Monday works, thanks').locator('.message-quote')).toContainText('The tiles arrive on Monday')

  await page.getByTestId('conversation-back').tap()
  await expect(page).toHaveURL(new RegExp(`/projects/${home.project.id}$`))
  await expect(page.getByRole('navigation', { name: 'Conversations' })).toBeVisible()
  await expect(page.getByTestId('conversation-link')).toHaveCount(2)
})

test('a long-press on a message opens its actions: react, edit and delete, and Escape closes the sheet', async ({ page, world }) => {
  await signInAs(page, world.client)
  await page.goto(`/projects/${world.project.id}/c/${world.conversation.id}`)
  await send(page, 'A message to act on')
  const mine = messageItem(page, 'A message to act on')
  await expect(mine).toHaveAttribute('data-seq', /\d+/)

  await longPress(page, mine.getByTestId('message-content'))
  await page.locator('[data-testid="sheet-emoji"][data-emoji="🎉"]').tap()
  await expect(mine.locator('.reaction-chip', { hasText: '🎉' })).toContainText('1')

  await longPress(page, mine.getByTestId('message-content'))
  await page.keyboard.press('Escape')
  await expect(page.getByTestId('message-action-sheet')).toHaveCount(0)

  await mine.getByTestId('message-more').tap()
  await page.getByTestId('sheet-edit').tap()
  await page.getByTestId('edit-input').fill('A message, edited on a phone')
  await page.getByTestId('edit-save').tap()
  await expect(messageItem(page, 'A message, edited on a phone').getByTestId('message-edited')).toBeVisible()

  await messageItem(page, 'A message, edited on a phone').getByTestId('message-more').tap()
  await page.getByTestId('sheet-delete').tap()
  await page.getByTestId('sheet-delete-confirm').tap()
  await expect(page.getByTestId('message-deleted')).toHaveCount(1)
  await expect(page.getByTestId('message-more')).toHaveCount(0)
})

test('others\' messages offer reply and copy, never edit or delete', async ({ page, world }) => {
  await post(world.staff, world.conversation.id, 'Written by the staff member')
  await signInAs(page, world.client)
  await page.goto(`/projects/${world.project.id}/c/${world.conversation.id}`)
  await messageItem(page, 'Written by the staff member').getByTestId('message-more').tap()
  const sheet = page.getByTestId('message-action-sheet')
  await expect(sheet.getByTestId('sheet-reply')).toBeVisible()
  await expect(sheet.getByTestId('sheet-copy')).toBeVisible()
  await expect(sheet.getByTestId('sheet-edit')).toHaveCount(0)
  await expect(sheet.getByTestId('sheet-delete')).toHaveCount(0)
  await sheet.getByTestId('sheet-cancel').tap()
  await expect(sheet).toHaveCount(0)
})
