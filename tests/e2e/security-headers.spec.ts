import type { Page, Response } from '@playwright/test'
import sharp from 'sharp'
import type { Actor } from '../helpers/api'
import { ADMIN } from '../helpers/app-process'
import { until } from '../helpers/wait'
import { dropFiles, messageItem, send } from './attachments-helpers'
import { expect, signInAs, test } from './fixtures'

/**
 * Everything the Content-Security-Policy refuses on the page, from both sides: the `securitypolicyviolation`
 * events the document fires (reported out through a binding, so they survive navigations), and the console
 * errors Chromium writes for them.
 */
async function recordViolations(page: Page) {
  const seen: string[] = []
  await page.exposeBinding('reportCspViolation', (_source, text: string) => {
    seen.push(text)
  })
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (event) => {
      const report = (window as unknown as { reportCspViolation: (text: string) => void }).reportCspViolation
      report(`${event.effectiveDirective} blocked ${event.blockedURI || 'inline'} at ${event.sourceFile}:${event.lineNumber}`)
    })
  })
  page.on('console', (message) => {
    if (message.type() === 'error' && /Content Security Policy/i.test(message.text())) seen.push(message.text())
  })
  return seen
}

/** A page load under the policy: the document came with a script-src of its own origin and hashes only. */
function expectStrictPolicy(response: Response | null) {
  const csp = response?.headers()['content-security-policy'] ?? ''
  expect(csp).toMatch(/(^|;)\s*script-src 'self'( 'sha256-[\w+/]+=*')+\s*(;|$)/)
  expect(csp).toContain('frame-ancestors \'none\'')
  expect(response?.headers()['x-content-type-options']).toBe('nosniff')
}

test('a client signs in, sends a message, picks an emoji and attaches an image without a CSP violation', async ({ page, world }) => {
  const violations = await recordViolations(page)
  await signInAs(page, world.client)
  expectStrictPolicy(await page.goto(`/projects/${world.project.id}/c/${world.conversation.id}`))
  // The socket is up: 'self' in connect-src lets the page reach its own ws: origin.
  await expect(page.locator('.app-shell')).toHaveAttribute('data-realtime', 'open')

  await send(page, 'hello under a strict policy')
  await expect(messageItem(page, 'hello under a strict policy')).toHaveAttribute('data-seq', /^\d+$/)

  // The picker loads its code and emoji data from our origin and keeps them in IndexedDB.
  const composer = page.getByTestId('composer')
  await composer.fill('party ')
  await page.getByTestId('composer-emoji').click()
  const picker = page.getByTestId('emoji-picker')
  await picker.locator('#search').fill('tada')
  await picker.getByRole('option', { name: /^🎉,/ }).click()
  await expect(composer).toHaveValue('party 🎉')
  await composer.press('Enter')
  await expect(messageItem(page, 'party 🎉')).toBeVisible()

  const png = await sharp({ create: { width: 40, height: 30, channels: 3, background: '#cc3366' } }).png().toBuffer()
  await dropFiles(page, [{ name: 'policy.png', type: 'image/png', base64: png.toString('base64') }])
  const tray = page.getByTestId('upload-item').filter({ hasText: 'policy.png' })
  await expect(tray).toHaveAttribute('data-file-status', 'available')
  await expect(tray.locator('img')).toBeVisible()
  await composer.fill('with a picture')
  await composer.press('Enter')
  const thumbnail = messageItem(page, 'with a picture').getByTestId('attachment-thumbnail')
  await expect(thumbnail.locator('img')).toHaveJSProperty('complete', true)
  expect(await thumbnail.locator('img').evaluate(img => (img as HTMLImageElement).naturalWidth)).toBeGreaterThan(0)
  await thumbnail.click()
  const lightbox = page.getByRole('dialog', { name: 'Image: policy.png' })
  await expect(lightbox.locator('img')).toHaveJSProperty('complete', true)
  await page.keyboard.press('Escape')

  expect(violations).toEqual([])
})

test('an admin opens the admin home and the analytics charts without a CSP violation', async ({ page, world, admin }) => {
  const violations = await recordViolations(page)
  const message = await world.client.api.post(`/conversations/${world.conversation.id}/messages`, { clientId: crypto.randomUUID(), content: 'counted' })
  expect(message.status).toBe(201)
  // Another test's refresh (or the schedule's) answers 409 meanwhile.
  await until(() => admin.api.post('/admin/analytics/refresh'), r => r.status === 200, 30_000)

  await signInAs(page, { user: admin.user, password: ADMIN.password } as Pick<Actor, 'user' | 'password'>)
  expectStrictPolicy(await page.goto('/admin'))
  await expect(page.getByTestId('admin-home')).toBeVisible()
  expectStrictPolicy(await page.goto('/admin/analytics'))
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Analytics')
  await expect(page.locator('canvas[role="img"]')).toHaveCount(3)
  // Chart.js draws on the canvas: a drawn chart has pixels that are not transparent.
  const painted = await page.locator('canvas[role="img"]').first().evaluate((canvas: HTMLCanvasElement) => {
    const data = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data
    return data.some((value, i) => i % 4 === 3 && value > 0)
  })
  expect(painted).toBe(true)

  expect(violations).toEqual([])
})
