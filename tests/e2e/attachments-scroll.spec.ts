import sharp from 'sharp'
import { uniq } from '../helpers/api'
import { scanned, uploadFile } from '../helpers/files'
import { expect, signInAs, test } from './fixtures'

// A preview loads after the list has scrolled to the newest message; a reader who was at the bottom stays there.
test('the newest message stays in view when an image preview in it finishes loading', async ({ page, world }) => {
  for (let i = 0; i < 30; i++) {
    await world.staff.api.post(`/conversations/${world.conversation.id}/messages`, { clientId: uniq('c'), content: `history ${i}` })
  }
  await signInAs(page, world.staff)
  await page.goto(`/projects/${world.project.id}/c/${world.conversation.id}`)
  await expect(page.locator('.app-shell')).toHaveAttribute('data-realtime', 'open')
  const list = page.getByTestId('message-list')
  const gapBelow = () => list.evaluate(el => el.scrollHeight - el.scrollTop - el.clientHeight)
  await expect.poll(gapBelow).toBeLessThan(2)

  // Previews are held back until the message has been laid out, as on a slow connection.
  let release!: () => void
  const held = new Promise<void>(resolve => (release = resolve))
  await page.route('**/storage/download/**', async (route) => {
    await held
    await route.continue()
  })
  const tall = await sharp({ create: { width: 300, height: 900, channels: 3, background: '#884422' } }).png().toBuffer()
  const file = await uploadFile(world.client, world.conversation.id, { name: 'tall.png', type: 'image/png', bytes: tall })
  await scanned(world.client, file.id)
  await world.client.api.post(`/conversations/${world.conversation.id}/messages`, { clientId: uniq('c'), content: 'a tall picture', type: 'file', fileIds: [file.id] })

  const received = page.getByTestId('message-item').filter({ hasText: 'a tall picture' })
  await expect(received).toBeVisible()
  await expect.poll(gapBelow).toBeLessThan(2)
  release()
  const image = received.getByTestId('attachment-thumbnail').locator('img')
  await expect(image).toHaveJSProperty('complete', true)
  expect(await image.evaluate(img => (img as HTMLImageElement).naturalHeight)).toBeGreaterThan(100)
  await expect.poll(gapBelow).toBeLessThan(2)
  await expect(image).toBeInViewport({ ratio: 1 })
})
