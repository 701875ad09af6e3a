import { expect, signInAs, test } from './fixtures'

const HOSTILE = [
  '<script>window.__pwned = "script"</script>',
  '<img src=x onerror="window.__pwned = \'img\'">',
  '[click me](javascript:window.__pwned="md") javascript:alert(1)',
  'data:text/html,<b>x</b> and https://example.com/ok.'
].join('\n')

test('message text with <script>, <img onerror> and a javascript: link renders as text, no injected element', async ({ page, world }) => {
  const dialogs: string[] = []
  page.on('dialog', (d) => {
    dialogs.push(d.message())
    void d.dismiss()
  })
  // One copy arrives through the server render (sent by the API), one through the client (sent in the UI).
  const posted = await world.staff.api.post(`/conversations/${world.conversation.id}/messages`, { clientId: crypto.randomUUID(), content: HOSTILE })
  expect(posted.status).toBe(201)

  await signInAs(page, world.client)
  await page.goto(`/projects/${world.project.id}/c/${world.conversation.id}`)
  await page.getByTestId('composer').fill(HOSTILE)
  await page.getByTestId('composer').press('Enter')

  const contents = page.getByTestId('message-content')
  await expect(contents).toHaveCount(2)
  for (const content of await contents.all()) {
    expect(await content.evaluate(el => el.textContent)).toBe(HOSTILE)
    await expect(content.locator('script, img, b')).toHaveCount(0)
    const links = content.locator('a')
    await expect(links).toHaveCount(1)
    await expect(links).toHaveAttribute('href', 'https://example.com/ok')
    await expect(links).toHaveAttribute('rel', 'noopener noreferrer nofollow')
    await expect(links).toHaveAttribute('target', '_blank')
  }
  await expect(page.locator('a[href^="javascript:" i], a[href^="data:" i]')).toHaveCount(0)
  expect(await page.evaluate(() => (window as unknown as { __pwned?: string }).__pwned)).toBeUndefined()
  expect(dialogs).toEqual([])
})
