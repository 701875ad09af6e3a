import type { Actor } from '../helpers/api'
import { expect, signInAs, test } from './fixtures'

async function post(actor: Actor, conversationId: string, content: string, replyToId?: string) {
  const res = await actor.api.post(`/conversations/${conversationId}/messages`, { clientId: crypto.randomUUID(), content, replyToId })
  expect(res.status).toBe(201)
  return res.body.message as { id: string }
}

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
