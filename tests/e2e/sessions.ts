import type { Browser, Locator, Page } from '@playwright/test'
import type { Actor } from '../helpers/api'
import { expect, signInAs } from './fixtures'

/** One person's browser in a multi-person test: a context of its own. */
export interface Session { page: Page, close: () => Promise<void> }

/**
 * A browser context of its own, signed in as the actor, on the path, hydrated and with its socket past `ready`.
 * `before` runs on the new page first (routes that must be in place before the app loads).
 */
export async function openAs(browser: Browser, baseURL: string, actor: Actor, path: string, before?: (page: Page) => Promise<void>): Promise<Session> {
  const context = await browser.newContext({ baseURL })
  const page = await context.newPage()
  await before?.(page)
  await signInAs(page, actor)
  await page.goto(path)
  await page.locator('html[data-hydrated]').waitFor({ state: 'attached' })
  await expect(page.locator('.app-shell')).toHaveAttribute('data-realtime', 'open')
  return { page, close: () => context.close() }
}

/** Sessions opened in a test, closed by closeAll() in its afterEach. */
export function sessionsOf() {
  const sessions: Session[] = []
  return {
    open: async (browser: Browser, baseURL: string | undefined, actor: Actor, path: string, before?: (page: Page) => Promise<void>) => {
      const session = await openAs(browser, baseURL!, actor, path, before)
      sessions.push(session)
      return session
    },
    closeAll: () => Promise.all(sessions.splice(0).map(s => s.close()))
  }
}

export const messageItem = (page: Page, text: string) => page.getByTestId('message-item').filter({ hasText: text })

/** Types into the composer and sends with Enter, as a person would. */
export async function send(page: Page, text: string) {
  await page.getByTestId('composer').fill(text)
  await page.getByTestId('composer').press('Enter')
}

/**
 * Opens a message's action the way the screen offers it: the hover toolbar with a mouse, the "…" sheet on a touch
 * screen (no hover). One helper, so a spec runs unchanged in the desktop and the phone project.
 */
export async function messageAction(page: Page, item: Locator, action: 'reply' | 'edit' | 'delete') {
  if (await page.evaluate(() => matchMedia('(hover: none)').matches)) {
    await item.getByTestId('message-more').tap()
    await page.getByTestId(`sheet-${action}`).tap()
    if (action === 'delete') await page.getByTestId('sheet-delete-confirm').tap()
    return
  }
  await item.hover()
  await item.getByTestId(`${action}-button`).click()
  if (action === 'delete') await item.getByTestId('delete-confirm').click()
}
