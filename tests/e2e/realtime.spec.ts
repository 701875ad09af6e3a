import type { Page } from '@playwright/test'
import type { Actor } from '../helpers/api'
import { createConversation, expect, signInAs, test } from './fixtures'
import { messageItem, openAs, send, sessionsOf } from './sessions'

async function history(actor: Actor, conversationId: string) {
  const res = await actor.api.get(`/conversations/${conversationId}/messages?limit=100`)
  expect(res.status).toBe(200)
  return res.body.messages as Array<{ content: string | null, clientId: string }>
}

test.describe('live updates over the WebSocket', () => {
  const { open, closeAll } = sessionsOf()
  test.afterEach(closeAll)

  test('messages and the typing indicator travel both ways without a reload', async ({ browser, baseURL, world }) => {
    const path = `/projects/${world.project.id}/c/${world.conversation.id}`
    const staff = await open(browser, baseURL, world.staff, path)
    const client = await open(browser, baseURL, world.client, path)

    await client.page.getByTestId('composer').fill('Hi, I have a question')
    await expect(staff.page.getByTestId('typing-indicator')).toHaveText(`${world.client.user.displayName} is typing…`)
    await client.page.getByTestId('composer').press('Enter')
    await expect(messageItem(staff.page, 'Hi, I have a question')).toHaveCount(1)
    // Sending says typing:false, so the indicator goes without waiting for its 6 s expiry.
    await expect(staff.page.getByTestId('typing-indicator')).toHaveCount(0)

    await staff.page.getByTestId('composer').fill('Sure, go ahead')
    await expect(client.page.getByTestId('typing-indicator')).toHaveText(`${world.staff.user.displayName} is typing…`)
    await staff.page.getByTestId('composer').press('Enter')
    await expect(messageItem(client.page, 'Sure, go ahead')).toHaveCount(1)
    await expect(client.page.getByTestId('message-item')).toHaveCount(2)
    await expect(client.page.getByTestId('message-pending')).toHaveCount(0)
  })

  test('presence dots turn online when the other person signs in and offline when they leave', async ({ browser, baseURL, world }) => {
    // client2 is signed in by no other test, so its presence starts offline.
    const created = await world.staff.api.post(`/projects/${world.project.id}/conversations`, { title: '', kind: 'dm', participantIds: [world.client2.user.id] })
    expect([200, 201]).toContain(created.status)
    const dm = created.body.conversation as { id: string }
    const path = `/projects/${world.project.id}/c/${dm.id}`
    const staff = await open(browser, baseURL, world.staff, path)
    const peer = `[data-testid="presence-dot"][data-user-id="${world.client2.user.id}"]`
    const memberDot = staff.page.locator(`[data-testid="conversation-members"] ${peer}`)
    const dmEntryDot = staff.page.locator(`[data-testid="conversation-link"][data-conversation-id="${dm.id}"] ${peer}`)
    await expect(memberDot).toHaveAttribute('data-status', 'offline')
    await expect(dmEntryDot).toHaveAttribute('data-status', 'offline')

    const client = await openAs(browser, baseURL!, world.client2, path)
    await expect(memberDot).toHaveAttribute('data-status', 'online')
    await expect(dmEntryDot).toHaveAttribute('data-status', 'online')
    await client.close()
    await expect(memberDot).toHaveAttribute('data-status', 'offline')
    await expect(dmEntryDot).toHaveAttribute('data-status', 'offline')
  })

  test('a new conversation and the unread and mention badges of one that is not open show up live', async ({ browser, baseURL, world }) => {
    const client = await open(browser, baseURL, world.client, `/projects/${world.project.id}/c/${world.conversation.id}`)
    const other = await createConversation(world.staff, world.project.id, [world.client.user.id])
    const link = client.page.locator(`[data-testid="conversation-link"][data-conversation-id="${other.id}"]`)
    await expect(link).toContainText(other.title)
    await expect(link.getByTestId('unread-badge')).toHaveCount(0)

    await world.staff.api.post(`/conversations/${other.id}/messages`, { clientId: crypto.randomUUID(), content: 'one' })
    await expect(link.getByTestId('unread-badge')).toHaveText('1')
    await world.staff.api.post(`/conversations/${other.id}/messages`, { clientId: crypto.randomUUID(), content: `@${world.client.user.handle} two` })
    await expect(link.getByTestId('unread-badge')).toHaveText('2')
    await expect(link.getByTestId('mention-badge')).toHaveText('@1')

    // The open conversation gets the message on screen, not a badge.
    await world.staff.api.post(`/conversations/${world.conversation.id}/messages`, { clientId: crypto.randomUUID(), content: 'in the open one' })
    await expect(messageItem(client.page, 'in the open one')).toHaveCount(1)
    const openLink = client.page.locator(`[data-testid="conversation-link"][data-conversation-id="${world.conversation.id}"]`)
    await expect(openLink.getByTestId('unread-badge')).toHaveCount(0)

    await link.click()
    await expect(messageItem(client.page, 'two')).toHaveCount(1)
    await expect(link.getByTestId('unread-badge')).toHaveCount(0)
    await expect(link.getByTestId('mention-badge')).toHaveCount(0)
  })

  test('staff see which client has read a message, and the client sees that the team has', async ({ browser, baseURL, world }) => {
    const path = `/projects/${world.project.id}/c/${world.conversation.id}`
    const staff = await open(browser, baseURL, world.staff, path)
    await send(staff.page, 'Please confirm your address')
    await expect(messageItem(staff.page, 'Please confirm your address')).toHaveCount(1)
    await expect(staff.page.getByTestId('read-receipt')).toHaveCount(0)

    const client = await open(browser, baseURL, world.client, path)
    await expect(messageItem(client.page, 'Please confirm your address')).toHaveCount(1)
    await expect(staff.page.getByTestId('read-receipt')).toHaveText(`Seen by ${world.client.user.displayName}`)

    // The staff member has the conversation open, so the reply is read as it arrives.
    await send(client.page, 'Confirmed, thanks')
    await expect(messageItem(staff.page, 'Confirmed, thanks')).toHaveCount(1)
    await expect(client.page.getByTestId('read-receipt')).toHaveText('Seen by the team')
    await expect(client.page.getByTestId('read-receipt')).not.toContainText(world.staff.user.displayName)
  })

  test('a message sent while offline is pending, then delivered exactly once when the network returns', async ({ browser, baseURL, world }) => {
    const path = `/projects/${world.project.id}/c/${world.conversation.id}`
    const staff = await open(browser, baseURL, world.staff, path)
    const client = await open(browser, baseURL, world.client, path)
    const shell = client.page.locator('.app-shell')

    await client.page.context().setOffline(true)
    await expect(shell).toHaveAttribute('data-realtime', 'offline')
    await send(client.page, 'typed while offline')
    const pending = client.page.getByTestId('message-pending').filter({ hasText: 'typed while offline' })
    await expect(pending).toBeVisible()
    await expect(client.page.getByTestId('connection-banner')).toHaveText('Offline — messages will be sent when you\'re back')
    expect((await history(world.staff, world.conversation.id)).filter(m => m.content === 'typed while offline')).toHaveLength(0)

    await client.page.context().setOffline(false)
    await expect(messageItem(client.page, 'typed while offline')).toHaveCount(1)
    await expect(client.page.getByTestId('message-pending')).toHaveCount(0)
    await expect(client.page.getByTestId('connection-banner')).toHaveCount(0)
    await expect(messageItem(staff.page, 'typed while offline')).toHaveCount(1)

    // A later message arriving means any stray retry of the first would have arrived before it.
    await send(client.page, 'and one more')
    await expect(messageItem(staff.page, 'and one more')).toHaveCount(1)
    await expect(messageItem(staff.page, 'typed while offline')).toHaveCount(1)
    const stored = await history(world.staff, world.conversation.id)
    expect(stored.filter(m => m.content === 'typed while offline')).toHaveLength(1)
    expect(stored.map(m => m.content)).toEqual(['typed while offline', 'and one more'])
  })

  test('a message typed offline in a tab that is then closed is sent once from the next tab', async ({ browser, baseURL, world }) => {
    const path = `/projects/${world.project.id}/c/${world.conversation.id}`
    const staff = await open(browser, baseURL, world.staff, path)
    const client = await open(browser, baseURL, world.client, path)
    const context = client.page.context()

    await context.setOffline(true)
    await send(client.page, 'kept in the outbox')
    await expect(client.page.getByTestId('message-pending').filter({ hasText: 'kept in the outbox' })).toBeVisible()
    await client.page.close()
    await context.setOffline(false)

    // Same browser profile (localStorage), new page: the outbox goes out with its original clientId.
    const next = await context.newPage()
    await next.goto(path)
    await expect(messageItem(next, 'kept in the outbox')).toHaveCount(1)
    await expect(next.getByTestId('message-pending')).toHaveCount(0)
    await expect(messageItem(staff.page, 'kept in the outbox')).toHaveCount(1)
    await send(next, 'sent after it')
    await expect(messageItem(staff.page, 'sent after it')).toHaveCount(1)
    const stored = await history(world.staff, world.conversation.id)
    expect(stored.map(m => m.content)).toEqual(['kept in the outbox', 'sent after it'])
  })

  test('a reload mid-conversation keeps the history and live delivery', async ({ browser, baseURL, world }) => {
    const client = await open(browser, baseURL, world.client, `/projects/${world.project.id}/c/${world.conversation.id}`)
    await send(client.page, 'first from client')
    await world.staff.api.post(`/conversations/${world.conversation.id}/messages`, { clientId: crypto.randomUUID(), content: 'reply from staff' })
    await expect(messageItem(client.page, 'reply from staff')).toHaveCount(1)
    await send(client.page, 'second from client')
    await expect(client.page.getByTestId('message-item')).toHaveCount(3)

    await client.page.reload()
    await expect(client.page.locator('.app-shell')).toHaveAttribute('data-realtime', 'open')
    await expect(client.page.getByTestId('message-content')).toHaveText(['first from client', 'reply from staff', 'second from client'])

    await world.staff.api.post(`/conversations/${world.conversation.id}/messages`, { clientId: crypto.randomUUID(), content: 'after the reload' })
    await expect(messageItem(client.page, 'after the reload')).toHaveCount(1)
    await expect(client.page.getByTestId('message-item')).toHaveCount(4)
  })
})

test.describe('recovering lost events', () => {
  /** Proxies the page's socket and swallows the first server frame that mentions `text`. */
  async function dropFirstFrameWith(page: Page, text: string) {
    const state = { dropped: false }
    await page.routeWebSocket(/\/ws$/, (ws) => {
      const server = ws.connectToServer()
      server.onMessage((frame) => {
        if (!state.dropped && String(frame).includes(text)) state.dropped = true
        else ws.send(frame)
      })
    })
    return state
  }

  test('a lost event is noticed at the next seq and filled in by sync', async ({ page, world }) => {
    const lost = await dropFirstFrameWith(page, 'lost in transit')
    await signInAs(page, world.client)
    await page.goto(`/projects/${world.project.id}/c/${world.conversation.id}`)
    await expect(page.locator('.app-shell')).toHaveAttribute('data-realtime', 'open')

    await world.staff.api.post(`/conversations/${world.conversation.id}/messages`, { clientId: crypto.randomUUID(), content: 'lost in transit' })
    await world.staff.api.post(`/conversations/${world.conversation.id}/messages`, { clientId: crypto.randomUUID(), content: 'arrives fine' })
    await expect(page.getByTestId('message-content')).toHaveText(['lost in transit', 'arrives fine'])
    expect(lost.dropped).toBe(true)
  })

  test('a lost last event is noticed by the heads of the periodic ping', async ({ page, world }) => {
    test.setTimeout(60_000)
    const lost = await dropFirstFrameWith(page, 'the last word')
    await signInAs(page, world.client)
    await page.goto(`/projects/${world.project.id}/c/${world.conversation.id}`)
    await expect(page.locator('.app-shell')).toHaveAttribute('data-realtime', 'open')

    await world.staff.api.post(`/conversations/${world.conversation.id}/messages`, { clientId: crypto.randomUUID(), content: 'the last word' })
    // Nothing follows it, so only the ping (every heartbeatMs / 2, at most 25 s) can reveal the gap.
    await expect(page.getByTestId('message-content')).toHaveText(['the last word'], { timeout: 30_000 })
    expect(lost.dropped).toBe(true)
  })
})
