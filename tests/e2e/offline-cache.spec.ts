import type { Page } from '@playwright/test'
import { inviteUser } from '../helpers/api'
import type { Actor } from '../helpers/api'
import { createConversation, expect, signInAs, test } from './fixtures'
import type { World } from './fixtures'
import { messageItem, send } from './sessions'

// The local-first cache (docs/architecture.md, "Client: the local-first cache"): IndexedDB per user, the service worker's app
// shell for offline reloads. Each test drives the `page` fixture, so the describe's viewport applies to it; the
// other people in the conversation act through the API.

const DB_PREFIX = 'switchboard-cache-'
const pathOf = (world: World, conversationId = world.conversation.id) => `/projects/${world.project.id}/c/${conversationId}`

async function post(actor: Actor, conversationId: string, content: string) {
  const res = await actor.api.post(`/conversations/${conversationId}/messages`, { clientId: crypto.randomUUID(), content })
  expect(res.status, JSON.stringify(res.body)).toBe(201)
  return res.body.message as { id: string, seq: number }
}

async function history(actor: Actor, conversationId: string) {
  return (await actor.api.get(`/conversations/${conversationId}/messages?limit=100`)).body.messages as Array<{ content: string | null }>
}

/** Vue's production build still reports a hydration mismatch on the console: cached data must never cause one. */
function watchHydration(page: Page) {
  const mismatches: string[] = []
  page.on('console', (message) => {
    if (/hydration/i.test(message.text())) mismatches.push(message.text())
  })
  return mismatches
}

async function openAs(page: Page, actor: Actor, path: string) {
  await signInAs(page, actor)
  await page.goto(path)
  await expect(page.locator('.app-shell')).toHaveAttribute('data-realtime', 'open')
}

/** The message bodies cached for a conversation, read straight from IndexedDB (never creating the database). */
function cachedContents(page: Page, userId: string, conversationId: string) {
  return page.evaluate(async ([name, id]) => {
    if (!(await indexedDB.databases()).some(db => db.name === name)) return []
    return new Promise<Array<string | null>>((resolve, reject) => {
      const open = indexedDB.open(name!)
      open.onerror = () => reject(open.error)
      open.onsuccess = () => {
        const db = open.result
        const read = db.transaction('messages').objectStore('messages').getAll(IDBKeyRange.bound([id, 0], [id, Number.MAX_SAFE_INTEGER]))
        read.onsuccess = () => {
          db.close()
          resolve((read.result as Array<{ content: string | null }>).map(m => m.content))
        }
      }
    })
  }, [`${DB_PREFIX}${userId}`, conversationId])
}

const cacheDatabases = (page: Page) =>
  page.evaluate(async () => (await indexedDB.databases()).map(db => db.name ?? '').filter(name => name.startsWith('switchboard-cache-')))

/** Every URL in Cache Storage: the service worker's precache only. */
const cachedURLs = (page: Page) => page.evaluate(async () => {
  const urls: string[] = []
  for (const name of await caches.keys()) urls.push(...(await (await caches.open(name)).keys()).map(r => new URL(r.url).pathname))
  return urls
})

/** The service worker is active once its precache (assets and app shell) is complete. */
const shellReady = (page: Page) => page.evaluate(async () => Boolean(await navigator.serviceWorker.ready))

async function reloadHydrated(page: Page) {
  await page.reload()
  await page.locator('html[data-hydrated]').waitFor({ state: 'attached' })
}

function cacheTests() {
  test('a conversation opens offline after a reload, from the cache, and a message typed there is delivered once', async ({ page, world }) => {
    const mismatches = watchHydration(page)
    await post(world.staff, world.conversation.id, 'cached before the trip')
    await openAs(page, world.client, pathOf(world))
    await expect(messageItem(page, 'cached before the trip')).toBeVisible()
    await shellReady(page)
    await expect.poll(() => cachedContents(page, world.client.user.id, world.conversation.id)).toEqual(['cached before the trip'])

    await page.context().setOffline(true)
    await reloadHydrated(page)
    await expect(messageItem(page, 'cached before the trip')).toBeVisible()
    await expect(page.getByTestId('conversation-title')).toHaveText(world.conversation.title)
    await expect(page.getByTestId('connection-banner')).toHaveText('Offline — messages will be sent when you\'re back')

    await send(page, 'typed in the tunnel')
    await expect(page.getByTestId('message-pending').filter({ hasText: 'typed in the tunnel' })).toBeVisible()
    expect((await history(world.staff, world.conversation.id)).map(m => m.content)).toEqual(['cached before the trip'])

    // The project's conversation list comes from the cache too.
    await page.goto(`/projects/${world.project.id}`)
    await expect(page.getByTestId('conversation-link').filter({ hasText: world.conversation.title })).toBeVisible()
    // On a phone the list is a view of its own: back to it first (a client-side navigation too).
    if (await page.getByTestId('conversation-back').isVisible()) await page.getByTestId('conversation-back').click()
    await page.getByTestId('conversation-link').filter({ hasText: world.conversation.title }).click()
    await expect(page.getByTestId('message-pending').filter({ hasText: 'typed in the tunnel' })).toBeVisible()

    await page.context().setOffline(false)
    await expect(messageItem(page, 'typed in the tunnel')).toHaveCount(1)
    await expect(page.getByTestId('message-pending')).toHaveCount(0)
    await expect(page.getByTestId('connection-banner')).toHaveCount(0)
    // A later message arriving means a stray retry of the first would have arrived before it.
    await send(page, 'and out again')
    await expect(messageItem(page, 'and out again')).toHaveCount(1)
    expect((await history(world.staff, world.conversation.id)).map(m => m.content)).toEqual(['cached before the trip', 'typed in the tunnel', 'and out again'])
    // No page HTML and no API answer in Cache Storage: the shell and build assets only.
    const urls = await cachedURLs(page)
    expect(urls).toContain('/app-shell')
    expect(urls.filter(u => u !== '/app-shell' && !u.startsWith('/_nuxt/'))).toEqual([])
    expect(mismatches).toEqual([])
  })

  test('the cache converges by seq: what others sent, edited and deleted while this browser was away', async ({ page, world }) => {
    const id = world.conversation.id
    const kept = await post(world.staff, id, 'stays as it was')
    const edited = await post(world.staff, id, 'before the edit')
    const deleted = await post(world.staff, id, 'soon deleted')
    await openAs(page, world.client, pathOf(world))
    await expect(messageItem(page, 'soon deleted')).toBeVisible()
    await shellReady(page)
    await expect.poll(() => cachedContents(page, world.client.user.id, id)).toEqual(['stays as it was', 'before the edit', 'soon deleted'])

    await page.context().setOffline(true)
    await expect(page.locator('.app-shell')).toHaveAttribute('data-realtime', 'offline')
    await post(world.staff, id, 'sent while away')
    expect((await world.staff.api.patch(`/messages/${edited.id}`, { content: 'after the edit' })).status).toBe(200)
    expect((await world.staff.api.del(`/messages/${deleted.id}`)).status).toBe(200)
    expect((await world.staff.api.post(`/messages/${kept.id}/reactions`, { emoji: '👍' })).status).toBe(200)

    // Reopened offline: the cached copy as it was.
    await reloadHydrated(page)
    await expect(messageItem(page, 'before the edit')).toBeVisible()
    await expect(messageItem(page, 'soon deleted')).toBeVisible()
    await expect(messageItem(page, 'sent while away')).toHaveCount(0)

    await page.context().setOffline(false)
    await expect(messageItem(page, 'sent while away')).toHaveCount(1)
    await expect(messageItem(page, 'after the edit')).toHaveCount(1)
    await expect(messageItem(page, 'before the edit')).toHaveCount(0)
    await expect(messageItem(page, 'soon deleted')).toHaveCount(0)
    await expect(page.locator(`[data-message-id="${deleted.id}"]`).getByTestId('message-deleted')).toBeVisible()
    await expect(page.locator(`[data-message-id="${kept.id}"]`).getByTestId('reaction-chip')).toContainText('👍')
    // …and the cache holds the converged copy, deleted body blanked.
    await expect.poll(() => cachedContents(page, world.client.user.id, id)).toEqual(['stays as it was', 'after the edit', null, 'sent while away'])
  })

  test('a server that cannot replay (reset) replaces the cached conversation with its latest history', async ({ page, world }) => {
    const id = world.conversation.id
    await post(world.staff, id, 'from before the reset')
    await openAs(page, world.client, pathOf(world))
    await expect(messageItem(page, 'from before the reset')).toBeVisible()
    await expect.poll(() => cachedContents(page, world.client.user.id, id)).toEqual(['from before the reset'])

    // Past the retained event window the server answers `sync` with reset: true and replays nothing. Here the
    // socket opened when the network returns is routed so that it gets exactly that for this conversation.
    await page.routeWebSocket(/\/ws$/, (ws) => {
      const server = ws.connectToServer()
      const syncs = new Set<string>()
      ws.onMessage((m) => {
        const frame = JSON.parse(String(m)) as { type: string, id?: string, data?: { cursors?: Record<string, number> } }
        if (frame.type === 'sync' && frame.id && frame.data?.cursors?.[id] !== undefined) syncs.add(frame.id)
        server.send(m)
      })
      server.onMessage((m) => {
        const frame = JSON.parse(String(m)) as { type: string, id?: string, conversationId?: string, data?: { conversations?: Record<string, { lastSeq: number, reset: boolean }> } }
        if (frame.conversationId === id && frame.type.startsWith('message:')) return
        if (frame.type === 'reply' && frame.id && syncs.has(frame.id) && frame.data?.conversations?.[id]) frame.data.conversations[id].reset = true
        ws.send(JSON.stringify(frame))
      })
    })
    await page.context().setOffline(true)
    await expect(page.locator('.app-shell')).toHaveAttribute('data-realtime', 'offline')
    const rewritten = await post(world.staff, id, 'written while away')
    expect((await world.staff.api.del(`/messages/${rewritten.id}`)).status).toBe(200)
    await post(world.staff, id, 'the latest')
    await page.context().setOffline(false)

    await expect(messageItem(page, 'the latest')).toHaveCount(1)
    await expect(page.locator(`[data-message-id="${rewritten.id}"]`).getByTestId('message-deleted')).toBeVisible()
    await expect.poll(() => cachedContents(page, world.client.user.id, id)).toEqual(['from before the reset', null, 'the latest'])
  })

  test('a cached conversation opens on a client-side navigation before its requests answer', async ({ page, world }) => {
    const mismatches = watchHydration(page)
    await post(world.staff, world.conversation.id, 'ready before the network')
    const other = await createConversation(world.staff, world.project.id, [world.client.user.id])
    await openAs(page, world.client, pathOf(world))
    await expect(messageItem(page, 'ready before the network')).toBeVisible()
    await expect.poll(() => cachedContents(page, world.client.user.id, world.conversation.id)).toEqual(['ready before the network'])

    // A full load elsewhere empties the in-memory stores: the messages can only come from IndexedDB now.
    await page.goto(pathOf(world, other.id))
    await expect(page.locator('.app-shell')).toHaveAttribute('data-realtime', 'open')
    const held: Array<() => Promise<void>> = []
    let holding = true
    await page.context().route(`**/api/conversations/${world.conversation.id}**`, route => holding ? void held.push(() => route.continue()) : route.continue())
    // On a phone the list is a view of its own: back to it first (a client-side navigation too).
    if (await page.getByTestId('conversation-back').isVisible()) await page.getByTestId('conversation-back').click()
    await page.getByTestId('conversation-link').filter({ hasText: world.conversation.title }).click()
    await expect(page).toHaveURL(pathOf(world))
    await expect(messageItem(page, 'ready before the network')).toBeVisible()
    await expect.poll(() => held.length).toBeGreaterThan(0)
    await expect(messageItem(page, 'ready before the network')).toBeVisible()

    holding = false
    await Promise.all(held.map(release => release()))
    await post(world.staff, world.conversation.id, 'and live after it')
    await expect(messageItem(page, 'and live after it')).toHaveCount(1)
    expect(mismatches).toEqual([])
  })

  test('signing out deletes the cache: the next account on this browser finds nothing of the first', async ({ page, world }) => {
    await post(world.staff, world.conversation.id, 'for the first account only')
    await openAs(page, world.client, pathOf(world))
    await expect.poll(() => cachedContents(page, world.client.user.id, world.conversation.id)).toEqual(['for the first account only'])
    expect(await cacheDatabases(page)).toEqual([`${DB_PREFIX}${world.client.user.id}`])

    await page.getByTestId('sign-out').click()
    await expect(page).toHaveURL(/\/login/)
    await page.locator('html[data-hydrated]').waitFor({ state: 'attached' })
    await expect.poll(() => cacheDatabases(page)).toEqual([])
    expect(await page.evaluate(() => localStorage.getItem('switchboard:user'))).toBeNull()

    const theirs = await createConversation(world.staff, world.project.id, [world.client2.user.id])
    await post(world.staff, theirs.id, 'for the second account')
    await openAs(page, world.client2, pathOf(world, theirs.id))
    await expect.poll(() => cachedContents(page, world.client2.user.id, theirs.id)).toEqual(['for the second account'])
    expect(await cacheDatabases(page)).toEqual([`${DB_PREFIX}${world.client2.user.id}`])
    expect(await cachedContents(page, world.client.user.id, world.conversation.id)).toEqual([])
  })

  test('a suspension that sends the tab to sign-in deletes the cache too', async ({ page, world, admin }) => {
    // An account of its own: suspending a worker's shared fixture user would break the tests after this one.
    const person = await inviteUser(world.staff.api, world.project.id, 'client', 'suspended')
    const theirs = await createConversation(world.staff, world.project.id, [person.user.id])
    await post(world.staff, theirs.id, 'before the suspension')
    await openAs(page, person, pathOf(world, theirs.id))
    await expect.poll(() => cachedContents(page, person.user.id, theirs.id)).toEqual(['before the suspension'])

    expect((await admin.api.post(`/admin/users/${person.user.id}/suspend`, { reason: 'spam' })).status).toBe(200)
    await expect(page).toHaveURL(/\/login\?reason=suspended/)
    await expect.poll(() => cacheDatabases(page)).toEqual([])
  })
}

test.describe('the local-first cache, desktop', () => {
  cacheTests()
})

test.describe('the local-first cache, phone', () => {
  test.use({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true })
  cacheTests()
})
