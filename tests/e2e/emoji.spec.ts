import type { Page } from '@playwright/test'
import { expect, signInAs, test } from './fixtures'
import type { World } from './fixtures'
import { messageItem, sessionsOf } from './sessions'

const sessions = sessionsOf()
test.afterEach(() => sessions.closeAll())

/** Every request the page makes that leaves the app's origin (data: and blob: URLs never leave the page). */
function offOrigin(page: Page, baseURL: string) {
  const origin = new URL(baseURL).origin
  const seen: string[] = []
  page.on('request', (request) => {
    const url = new URL(request.url())
    if (url.protocol !== 'data:' && url.protocol !== 'blob:' && url.origin !== origin) seen.push(request.url())
  })
  return seen
}

/** How many pixels of `text` drawn with the bundled emoji font (only) are neither transparent nor grey. */
function colouredPixels(text: string) {
  const canvas = document.createElement('canvas')
  canvas.width = canvas.height = 64
  const context = canvas.getContext('2d')!
  context.font = '48px "Switchboard Emoji"'
  context.fillText(text, 4, 52)
  const pixels = context.getImageData(0, 0, 64, 64).data
  let count = 0
  for (let i = 0; i < pixels.length; i += 4) {
    if (pixels[i + 3]! > 0 && (pixels[i] !== pixels[i + 1] || pixels[i + 1] !== pixels[i + 2])) count++
  }
  return count
}

async function openConversation(page: Page, world: World, actor: World['client']) {
  await signInAs(page, actor)
  await page.goto(`/projects/${world.project.id}/c/${world.conversation.id}`)
  await expect(page.locator('.app-shell')).toHaveAttribute('data-realtime', 'open')
}

function emojiTests(size: 'desktop' | 'phone') {
  test('a reaction found by searching the picker reaches the other participant live and is in the quick row next time', async ({ page, world, browser, baseURL }) => {
    const leaked = offOrigin(page, baseURL!)
    await world.staff.api.post(`/conversations/${world.conversation.id}/messages`, { clientId: crypto.randomUUID(), content: 'Launch day' })
    const other = await sessions.open(browser, baseURL, world.staff, `/projects/${world.project.id}/c/${world.conversation.id}`)
    await openConversation(page, world, world.client)

    const item = messageItem(page, 'Launch day')
    const chip = (p: Page) => messageItem(p, 'Launch day').locator('[data-testid="reaction-chip"][data-emoji="🚀"]')
    if (size === 'desktop') {
      // A mouse: the toolbar's reaction button opens the picker in a popover.
      await item.hover()
      const button = item.getByTestId('reaction-button')
      await button.click()
      const picker = page.getByTestId('emoji-picker')
      const search = picker.locator('#search')
      await expect(search).toBeFocused()
      await search.fill('rocket')
      await picker.getByRole('option', { name: '🚀, rocket' }).click()
      await expect(picker).toHaveCount(0)
      await expect(button).toBeFocused()
      await expect(chip(page)).toHaveCount(1)
      await expect(chip(other.page).getByTestId('reaction-count')).toHaveText('1')

      // Recently used: the quick row leads with it, and Escape closes the picker back onto its button.
      await item.hover()
      await button.click()
      await expect(picker.getByTestId('emoji-option').first()).toHaveAttribute('data-emoji', '🚀')
      await page.keyboard.press('Escape')
      await expect(picker).toHaveCount(0)
      await expect(button).toBeFocused()
    } else {
      // A phone: the message's "…" sheet, whose "More reactions" shows the whole picker inside the sheet.
      await item.getByTestId('message-more').tap()
      const sheet = page.getByTestId('message-action-sheet')
      await sheet.getByTestId('sheet-more-reactions').tap()
      const search = sheet.getByTestId('emoji-picker-element').locator('#search')
      await expect(search).toBeFocused()
      expect((await sheet.boundingBox())?.width).toBe(390)
      await search.fill('rocket')
      await sheet.getByRole('option', { name: '🚀, rocket' }).tap()
      await expect(sheet).toHaveCount(0)
      await expect(chip(page)).toHaveCount(1)
      await expect(chip(other.page).getByTestId('reaction-count')).toHaveText('1')

      // Recently used: next time the sheet's quick row leads with it.
      await item.getByTestId('message-more').tap()
      await expect(sheet.getByTestId('sheet-emoji').first()).toHaveAttribute('data-emoji', '🚀')
      await page.keyboard.press('Escape')
      await expect(sheet).toHaveCount(0)
    }
    expect(leaked).toEqual([])
  })

  test('the composer\'s emoji button inserts the picked emoji at the caret', async ({ page, world, baseURL }) => {
    const leaked = offOrigin(page, baseURL!)
    await openConversation(page, world, world.client)
    const composer = page.getByTestId('composer')
    await composer.fill('Hello world')
    await composer.evaluate((el: HTMLTextAreaElement) => el.setSelectionRange(5, 5))

    await page.getByTestId('composer-emoji').click()
    const picker = page.getByTestId('emoji-picker')
    await picker.locator('#search').fill('tada')
    await picker.getByRole('option', { name: /^🎉,/ }).click()
    await expect(picker).toHaveCount(0)
    await expect(composer).toHaveValue('Hello🎉 world')
    await expect(composer).toBeFocused()
    expect(await composer.evaluate((el: HTMLTextAreaElement) => el.selectionStart)).toBe('Hello🎉'.length)
    expect(leaked).toEqual([])
  })

  test(':rock lists rock and rocket; the arrow keys and Enter complete to 🚀 without sending', async ({ page, world }) => {
    await openConversation(page, world, world.client)
    const composer = page.getByTestId('composer')
    await composer.pressSequentially('Ship it :rock')
    const options = page.getByTestId('completion-option')
    await expect(options).toHaveText([/🪨\s*:rock:/, /🚀\s*:rocket:/])
    await expect(composer).toHaveAttribute('aria-expanded', 'true')
    await expect(composer).toHaveAttribute('aria-activedescendant', (await options.first().getAttribute('id'))!)
    await expect(options.first()).toHaveAttribute('aria-selected', 'true')

    await composer.press('ArrowDown')
    await expect(composer).toHaveAttribute('aria-activedescendant', (await options.nth(1).getAttribute('id'))!)
    await composer.press('Enter')
    await expect(composer).toHaveValue('Ship it 🚀 ')
    await expect(composer).toHaveAttribute('aria-expanded', 'false')
    await expect(page.getByTestId('completion-list')).toHaveCount(0)
    await expect(page.getByTestId('message-item')).toHaveCount(0)

    // A shortcode typed out in full is swapped as soon as it is closed; Escape closes a list without picking.
    await composer.pressSequentially(':tada: :smi')
    await expect(composer).toHaveValue('Ship it 🚀 🎉 :smi')
    await expect(page.getByTestId('completion-list')).toBeVisible()
    await composer.press('Escape')
    await expect(page.getByTestId('completion-list')).toHaveCount(0)
    await composer.press('Enter')
    await expect(page.getByTestId('message-content')).toHaveText('Ship it 🚀 🎉 :smi')
  })

  test('@ completion lists the participants, inserts the handle and the sent message mentions them', async ({ page, world }) => {
    const { staff, client, conversation } = world
    await openConversation(page, world, client)
    const composer = page.getByTestId('composer')
    await composer.pressSequentially(`Thanks @${staff.user.handle.slice(0, 3)}`)
    const option = page.getByTestId('completion-option')
    // Only the other participant: not the writer, not project members outside the conversation.
    await expect(option).toHaveCount(1)
    await expect(option).toContainText(staff.user.displayName)
    await expect(option).toContainText(`@${staff.user.handle}`)
    await composer.press('Tab')
    await expect(composer).toHaveValue(`Thanks @${staff.user.handle} `)
    await composer.pressSequentially('for the help')
    await composer.press('Enter')

    await expect(messageItem(page, 'for the help').locator('.mention')).toHaveText(`@${staff.user.handle}`)
    const { body } = await client.api.get(`/conversations/${conversation.id}/messages`)
    const sent = body.messages.find((m: { content: string }) => m.content === `Thanks @${staff.user.handle} for the help`)
    expect(sent.mentions).toEqual([staff.user.id])
  })

  test('emoji are drawn with the bundled font from our own origin, ordinary text is not, and nothing leaves the origin', async ({ page, world, baseURL }) => {
    const leaked = offOrigin(page, baseURL!)
    const fontFiles: string[] = []
    page.on('response', (response) => {
      if (response.url().endsWith('.woff2') && response.ok()) fontFiles.push(new URL(response.url()).origin)
    })
    await world.staff.api.post(`/conversations/${world.conversation.id}/messages`, { clientId: crypto.randomUUID(), content: 'All good 😀 #42 *' })
    await openConversation(page, world, world.client)
    await expect(messageItem(page, 'All good')).toBeVisible()

    // Loaded because the page shows an emoji (unicode-range), not because this test asked for it.
    await expect.poll(() => page.evaluate(() => [...document.fonts].some(f => f.family.replace(/"/g, '') === 'Switchboard Emoji' && f.status === 'loaded'))).toBe(true)
    expect(await page.evaluate(() => document.fonts.check('16px "Switchboard Emoji"', '😀'))).toBe(true)
    // Drawn in colour: this Chromium has no emoji font of its own, so coloured pixels can only come from ours.
    expect(await page.evaluate(colouredPixels, '😀')).toBeGreaterThan(100)
    expect(fontFiles.length).toBeGreaterThan(0)
    expect(new Set(fontFiles)).toEqual(new Set([new URL(baseURL!).origin]))
    // No face of the emoji font covers digits, # or *: they stay in the text font.
    expect(await page.evaluate(() => document.fonts.load('16px "Switchboard Emoji"', '#42 *').then(faces => faces.length))).toBe(0)
    // The picker draws with it too (its own CSS variable, inside its shadow root).
    await page.getByTestId('composer-emoji').click()
    await expect(page.getByTestId('emoji-picker-element')).toHaveCSS('--emoji-font-family', /Switchboard Emoji/)
    await expect(page.getByTestId('emoji-picker').getByRole('menuitem').first()).toBeVisible()
    expect(leaked).toEqual([])
  })
}

test.describe('emoji at desktop size', () => emojiTests('desktop'))

test.describe('emoji on a phone (390×844, touch)', () => {
  test.use({ viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true })
  emojiTests('phone')
})
