import type { Response } from '@playwright/test'
import sharp from 'sharp'
import type { Actor } from '../helpers/api'
import { dropFiles, holdUploads, messageItem, pasteFiles, send, sessionsOf, trayItem } from './attachments-helpers'
import { expect, signInAs, test } from './fixtures'

const png = () => sharp({ create: { width: 64, height: 48, channels: 3, background: '#cc6633' } }).png().toBuffer()
const text = (content: string) => Buffer.from(content).toString('base64')

async function history(actor: Actor, conversationId: string) {
  const res = await actor.api.get(`/conversations/${conversationId}/messages?limit=100`)
  expect(res.status).toBe(200)
  return res.body.messages as Array<{ content: string | null, files: Array<{ id: string, fileName: string }> }>
}

const isCreate = (r: Response) => r.request().method() === 'POST' && /\/api\/conversations\/[^/]+\/files$/.test(new URL(r.url()).pathname)
const isDelete = (fileId: string) => (r: Response) => r.request().method() === 'DELETE' && new URL(r.url()).pathname === `/api/files/${fileId}`

test.describe('attachment states', () => {
  const { open, closeAll } = sessionsOf()
  test.afterEach(closeAll)

  test('uploads cut off or started offline wait in the tray, and the message sent meanwhile arrives with its files exactly once when the network returns', async ({ browser, baseURL, world }) => {
    const path = `/projects/${world.project.id}/c/${world.conversation.id}`
    const staff = await open(browser, baseURL, world.staff, path)
    const client = await open(browser, baseURL, world.client, path)
    const creates: string[] = []
    client.page.on('request', (r) => {
      if (r.method() === 'POST' && r.url().endsWith('/files')) creates.push(r.url())
    })
    const release = await holdUploads(client.page)

    await dropFiles(client.page, [{ name: 'cut-off.txt', type: 'text/plain', base64: text('uploading when the network went\n') }])
    const cutOff = trayItem(client.page, 'cut-off.txt')
    await expect(cutOff).toHaveAttribute('data-state', 'uploading')
    await client.page.context().setOffline(true)
    await expect(cutOff).toHaveAttribute('data-state', 'waiting')
    await expect(cutOff.getByTestId('upload-status')).toContainText('Offline — resumes when you\'re back')

    await dropFiles(client.page, [{ name: 'offline.txt', type: 'text/plain', base64: text('attached while offline\n') }])
    const offline = trayItem(client.page, 'offline.txt')
    await expect(offline).toHaveAttribute('data-state', 'waiting')
    await expect(offline.getByTestId('upload-status')).toContainText('Offline — resumes when you\'re back')
    expect(creates).toHaveLength(1)

    await send(client.page, 'both files, sent offline')
    const pending = client.page.getByTestId('message-pending').filter({ hasText: 'both files, sent offline' })
    await expect(pending.getByTestId('message-pending-state')).toHaveText('Waiting for its attachments to upload…')
    await expect(cutOff.getByTestId('upload-status')).toContainText('sends with your message')
    await expect(offline.getByTestId('upload-status')).toContainText('sends with your message')
    expect(await history(world.staff, world.conversation.id)).toEqual([])

    release()
    await client.page.context().setOffline(false)
    const received = messageItem(staff.page, 'both files, sent offline')
    await expect(received.getByTestId('attachment-card').filter({ hasText: 'cut-off.txt' })).toHaveAttribute('data-status', 'available')
    await expect(received.getByTestId('attachment-card').filter({ hasText: 'offline.txt' })).toHaveAttribute('data-status', 'available')
    await expect(client.page.getByTestId('message-pending')).toHaveCount(0)
    await expect(client.page.getByTestId('upload-tray')).toHaveCount(0)

    // A later message arriving means any stray retry of the first would have arrived before it.
    await send(client.page, 'and one more')
    await expect(messageItem(staff.page, 'and one more')).toHaveCount(1)
    await expect(messageItem(staff.page, 'both files, sent offline')).toHaveCount(1)
    const stored = await history(world.staff, world.conversation.id)
    expect(stored.map(m => [m.content, m.files.map(f => f.fileName).sort()])).toEqual([
      ['both files, sent offline', ['cut-off.txt', 'offline.txt']],
      ['and one more', []]
    ])
  })

  test('an image pasted into the composer joins the tray and reaches the other person as a thumbnail', async ({ browser, baseURL, world }) => {
    const path = `/projects/${world.project.id}/c/${world.conversation.id}`
    const staff = await open(browser, baseURL, world.staff, path)
    const client = await open(browser, baseURL, world.client, path)

    // A pasted screenshot may come without a name: the tray gives it one.
    await pasteFiles(client.page, [{ name: '', type: 'image/png', base64: (await png()).toString('base64') }])
    const tray = trayItem(client.page, /pasted-.+\.png/)
    await expect(tray).toHaveAttribute('data-state', 'done')
    await expect(client.page.getByTestId('composer')).toHaveValue('')
    await send(client.page, 'pasted from the clipboard')

    const thumbnail = messageItem(staff.page, 'pasted from the clipboard').getByTestId('attachment-thumbnail')
    await expect(thumbnail).toBeVisible()
    await expect(thumbnail).toHaveAttribute('aria-label', /^Open image pasted-.+\.png$/)
    await expect(thumbnail.locator('img')).toHaveJSProperty('complete', true)
    expect(await thumbnail.locator('img').evaluate(img => (img as HTMLImageElement).naturalWidth)).toBeGreaterThan(0)
  })

  test('a paste that carries text and a picture of it (a spreadsheet copy) pastes the text, attaching nothing', async ({ page, world }) => {
    await signInAs(page, world.client)
    await page.goto(`/projects/${world.project.id}/c/${world.conversation.id}`)
    await expect(page.locator('.app-shell')).toHaveAttribute('data-realtime', 'open')
    const pasted = await pasteFiles(page, [{ name: 'image.png', type: 'image/png', base64: (await png()).toString('base64') }], 'Q3\t1200\nQ4\t1500')
    // The browser's own text paste goes ahead (a synthetic event cannot perform it, so its default is checked).
    expect(pasted.defaultPrevented).toBe(false)
    await expect(page.getByTestId('upload-item')).toHaveCount(0)
  })

  test('cancelling an upload takes it out of the tray and off the server', async ({ page, world }) => {
    await signInAs(page, world.client)
    await page.goto(`/projects/${world.project.id}/c/${world.conversation.id}`)
    await holdUploads(page)
    const created = page.waitForResponse(isCreate)

    await dropFiles(page, [{ name: 'cancel-me.txt', type: 'text/plain', base64: text('never mind\n') }])
    const { file } = await (await created).json() as { file: { id: string } }
    const tray = trayItem(page, 'cancel-me.txt')
    await expect(tray).toHaveAttribute('data-state', 'uploading')
    expect((await page.request.get(`/api/files/${file.id}`)).status()).toBe(200)

    const deleted = page.waitForResponse(isDelete(file.id))
    await tray.getByTestId('upload-cancel').click()
    await expect(page.getByTestId('upload-item')).toHaveCount(0)
    expect((await deleted).status()).toBe(204)
    expect((await page.request.get(`/api/files/${file.id}`)).status()).toBe(404)
  })

  test('after a reload an unfinished upload asks for the file again, and a finished one can still be sent', async ({ page, world }) => {
    await signInAs(page, world.client)
    await page.goto(`/projects/${world.project.id}/c/${world.conversation.id}`)
    await page.getByTestId('composer-file-input').setInputFiles({ name: 'finished.txt', mimeType: 'text/plain', buffer: Buffer.from('all there\n') })
    await expect(trayItem(page, 'finished.txt')).toHaveAttribute('data-state', 'done')
    await holdUploads(page)
    const created = page.waitForResponse(isCreate)
    await dropFiles(page, [{ name: 'half.png', type: 'image/png', base64: (await png()).toString('base64') }])
    const { file } = await (await created).json() as { file: { id: string } }
    await expect(trayItem(page, 'half.png')).toHaveAttribute('data-state', 'uploading')

    await page.reload()
    await page.locator('html[data-hydrated]').waitFor({ state: 'attached' })
    const lost = trayItem(page, 'half.png')
    await expect(lost).toHaveAttribute('data-state', 'failed')
    await expect(lost.getByTestId('upload-error')).toHaveText('The page was reloaded before it finished: re-attach the file')
    await expect(lost.getByTestId('upload-retry')).toHaveCount(0)
    await expect(trayItem(page, 'finished.txt')).toHaveAttribute('data-state', 'done')

    await page.getByTestId('composer-send').click()
    await expect(page.getByTestId('message-item').getByTestId('attachment-card').filter({ hasText: 'finished.txt' })).toBeVisible()
    await expect(page.getByTestId('upload-item')).toHaveCount(1)
    const deleted = page.waitForResponse(isDelete(file.id))
    await lost.getByTestId('upload-remove').click()
    await expect(page.getByTestId('upload-item')).toHaveCount(0)
    expect((await deleted).status()).toBe(204)
  })

  test('an image and a text file dropped together arrive in one message, though the image was still uploading at Send', async ({ browser, baseURL, world }) => {
    const path = `/projects/${world.project.id}/c/${world.conversation.id}`
    const staff = await open(browser, baseURL, world.staff, path)
    const client = await open(browser, baseURL, world.client, path)
    const release = await holdUploads(client.page, r => r.headers()['content-type'] === 'image/png')

    await dropFiles(client.page, [
      { name: 'chart.png', type: 'image/png', base64: (await png()).toString('base64') },
      { name: 'numbers.txt', type: 'text/plain', base64: text('1 2 3\n') }
    ])
    await expect(trayItem(client.page, 'numbers.txt')).toHaveAttribute('data-state', 'done')
    await expect(trayItem(client.page, 'chart.png')).toHaveAttribute('data-state', 'uploading')
    await send(client.page, 'the chart and its numbers')
    await expect(client.page.getByTestId('message-pending').filter({ hasText: 'the chart and its numbers' })).toBeVisible()
    release()

    const received = messageItem(staff.page, 'the chart and its numbers')
    await expect(received.getByTestId('attachment-thumbnail')).toHaveAttribute('aria-label', 'Open image chart.png')
    await expect(received.getByTestId('attachment-card').filter({ hasText: 'numbers.txt' })).toHaveAttribute('data-status', 'available')
    await expect(received).toHaveCount(1)
    const stored = await history(world.staff, world.conversation.id)
    expect(stored.map(m => [m.content, m.files.map(f => f.fileName).sort()])).toEqual([['the chart and its numbers', ['chart.png', 'numbers.txt']]])
  })

  test('an upload refused by the rate limit says when to try again, and Retry uploads it once the limit has passed', async ({ page, world }) => {
    await signInAs(page, world.client)
    await page.goto(`/projects/${world.project.id}/c/${world.conversation.id}`)
    // The real limit (UPLOADS_PER_HOUR, 50 per user) would take 50 uploads and leave the worker's users unable to
    // upload for an hour: the contract's 429 is played by an intercepted reply instead.
    const limited = '**/api/conversations/*/files'
    await page.route(limited, route => route.fulfill({
      status: 429,
      headers: { 'Retry-After': '120' },
      json: { statusCode: 429, message: 'Too many uploads', data: { code: 'rate_limited', retryAfterMs: 120_000 } }
    }))

    await page.getByTestId('composer-file-input').setInputFiles({ name: 'later.txt', mimeType: 'text/plain', buffer: Buffer.from('later\n') })
    const tray = trayItem(page, 'later.txt')
    await expect(tray).toHaveAttribute('data-state', 'failed')
    await expect(tray.getByTestId('upload-error')).toHaveText('Upload limit reached: try again in 2 min')
    await expect(page.getByTestId('composer-send')).toBeDisabled()

    await page.unroute(limited)
    await tray.getByTestId('upload-retry').click()
    await expect(tray).toHaveAttribute('data-state', 'done')
    await expect(tray.getByTestId('upload-error')).toHaveCount(0)
    await expect(page.getByTestId('composer-send')).toBeEnabled()
  })
})
