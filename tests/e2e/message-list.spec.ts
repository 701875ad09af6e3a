import type { Page } from '@playwright/test'
import type { Actor } from '../helpers/api'
import { expect, signInAs, test } from './fixtures'

// Day labels and times depend on the viewer's zone and language: pin both.
test.use({ timezoneId: 'UTC', locale: 'en-US' })

const DAY_MS = 24 * 60 * 60 * 1000

async function post(actor: Actor, conversationId: string, content: string, replyToId?: string) {
  const res = await actor.api.post(`/conversations/${conversationId}/messages`, { clientId: crypto.randomUUID(), content, replyToId })
  expect(res.status).toBe(201)
  return res.body.message as { id: string }
}

const item = (page: Page, text: string) => page.getByTestId('message-item').filter({ hasText: text })

test('consecutive messages by one sender share one name and avatar; another sender or a reply starts a new group', async ({ page, world }) => {
  const { staff, client, conversation } = world
  const first = await post(staff, conversation.id, 'group one')
  const second = await post(staff, conversation.id, 'group two')
  const others = [first, await post(client, conversation.id, 'client says'), await post(staff, conversation.id, 'staff again'), await post(staff, conversation.id, 'a reply', first.id)]
  const byId = (m: { id: string }) => page.locator(`[data-testid="message-item"][data-message-id="${m.id}"]`)

  await signInAs(page, client)
  await page.goto(`/projects/${world.project.id}/c/${conversation.id}`)
  await expect(page.getByTestId('message-item')).toHaveCount(5)
  await expect(page.getByTestId('message-sender')).toHaveText([staff.user.displayName, client.user.displayName, staff.user.displayName, staff.user.displayName])
  await expect(byId(second)).toHaveAttribute('data-continued', '')
  await expect(byId(second).locator('.ui-avatar')).toHaveCount(0)
  for (const m of others) await expect(byId(m)).not.toHaveAttribute('data-continued')
  // The grouped message still has its time, exact on hover.
  const time = byId(second).getByTestId('message-time')
  await expect(time).toHaveAttribute('title', /\d{4} at \d{1,2}:\d{2}:\d{2}/)
  await expect(page.getByTestId('day-separator')).toHaveText(['Today'])
})

test('a day later the same messages sit under "Yesterday" and show their time of day', async ({ page, world }) => {
  const { staff, client, conversation } = world
  await post(staff, conversation.id, 'sent a day ago')
  const sentAt = new Date()

  await page.clock.setFixedTime(new Date(sentAt.getTime() + DAY_MS))
  await signInAs(page, client)
  await page.goto(`/projects/${world.project.id}/c/${conversation.id}`)
  await expect(page.getByTestId('day-separator')).toHaveText(['Yesterday'])
  const time = item(page, 'sent a day ago').getByTestId('message-time')
  await expect(time).toHaveText(/^\d{1,2}:\d{2} [AP]M$/)
  expect(await time.getAttribute('datetime')).toMatch(/^\d{4}-\d{2}-\d{2}T/)
})

test('relative times move on without a reload', async ({ page, world }) => {
  const { staff, client, conversation } = world
  await page.clock.install({ time: new Date() })
  await post(staff, conversation.id, 'fresh news')

  await signInAs(page, client)
  await page.goto(`/projects/${world.project.id}/c/${conversation.id}`)
  const time = item(page, 'fresh news').getByTestId('message-time')
  await expect(time).toHaveText('just now')
  await page.clock.fastForward('03:05')
  await expect(time).toHaveText('3 min')
})

test('markdown renders bold and a monospace code block, raw HTML shows as text, long URLs wrap', async ({ page, world }) => {
  const { staff, client, conversation } = world
  const longUrl = `https://example.com/${'a-very-long-slug'.repeat(30)}`
  await post(staff, conversation.id, `**important** note\n\`\`\`\nconst x = 1 < 2\n\`\`\`\n<b>raw</b> <img src=x onerror="window.__pwned = 1"> ![pic](https://example.com/p.png)\n${longUrl}`)

  await signInAs(page, client)
  await page.goto(`/projects/${world.project.id}/c/${conversation.id}`)
  const content = page.getByTestId('message-content')
  await expect(content.locator('strong')).toHaveText('important')
  const code = content.locator('pre code')
  await expect(code).toHaveText('const x = 1 < 2')
  expect(await code.evaluate(el => getComputedStyle(el).fontFamily)).toMatch(/monospace/)
  await expect(content).toContainText('<b>raw</b> <img src=x onerror="window.__pwned = 1">')
  await expect(content.locator('b, img, script')).toHaveCount(0)
  await expect(content.locator(`a[href="${longUrl}"]`)).toHaveAttribute('rel', 'noopener noreferrer nofollow')
  expect(await content.evaluate(el => el.scrollWidth <= el.clientWidth)).toBe(true)
  expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined()
})
