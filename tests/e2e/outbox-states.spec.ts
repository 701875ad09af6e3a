import { expect, test } from './fixtures'
import { messageItem, send, sessionsOf } from './sessions'

test.describe('pending messages say what is happening', () => {
  const { open, closeAll } = sessionsOf()
  test.afterEach(closeAll)

  test('a rate-limited send waits exactly retryAfterMs, counting down, then goes out once', async ({ browser, baseURL, world }) => {
    // The e2e app runs with RATE_LIMITS=off (tests/e2e/global-setup.ts), so the server's rate_limited reply is
    // produced here, on the socket: the first message:send gets the reply the server sends when over the limit
    // (server/realtime/connection.ts), every other frame passes through to the real server.
    const sends: number[] = []
    const client = await open(browser, baseURL!, world.client, `/projects/${world.project.id}/c/${world.conversation.id}`, page =>
      page.routeWebSocket(/\/ws$/, (ws) => {
        const server = ws.connectToServer()
        server.onMessage(m => ws.send(m))
        ws.onMessage((m) => {
          const frame = JSON.parse(String(m)) as { type: string, id?: string }
          if (frame.type === 'message:send') {
            sends.push(Date.now())
            if (sends.length === 1) {
              ws.send(JSON.stringify({ type: 'reply', id: frame.id, ok: false, error: { code: 'rate_limited', message: 'Too many requests, slow down', retryAfterMs: 4_000 } }))
              return
            }
          }
          server.send(m)
        })
      }))

    await send(client.page, 'one too many')
    const state = client.page.getByTestId('message-pending').filter({ hasText: 'one too many' }).getByTestId('message-pending-state')
    await expect(state).toHaveText(/^Sending in [34] s — slow down$/)
    await expect(state).toHaveText('Sending in 2 s — slow down')
    await expect(state).not.toContainText('Failed')
    // Going back online or reconnecting must not cut the wait short.
    await client.page.evaluate(() => window.dispatchEvent(new Event('online')))
    await expect(messageItem(client.page, 'one too many')).toHaveCount(1)
    await expect(client.page.getByTestId('message-pending')).toHaveCount(0)
    expect(sends).toHaveLength(2)
    expect(sends[1]! - sends[0]!).toBeGreaterThanOrEqual(3_950)
    const history = await world.staff.api.get(`/conversations/${world.conversation.id}/messages?limit=50`)
    expect(history.body.messages.filter((m: { content: string }) => m.content === 'one too many')).toHaveLength(1)
  })

  test('a refused send says why and offers Retry and Delete', async ({ browser, baseURL, world }) => {
    const created = await world.client.api.post(`/projects/${world.project.id}/conversations`, { title: '', kind: 'dm', participantIds: [world.staff.user.id] })
    const dm = created.body.conversation as { id: string }
    const client = await open(browser, baseURL!, world.client, `/projects/${world.project.id}/c/${dm.id}`)
    expect((await world.staff.api.post('/blocks', { userId: world.client.user.id })).status).toBeLessThan(300)
    try {
      await send(client.page, 'are you there?')
      const pending = client.page.getByTestId('message-pending').filter({ hasText: 'are you there?' })
      await expect(pending.getByTestId('message-pending-state')).toHaveText('Not sent: it could not be delivered to this person')
      await pending.getByTestId('message-pending-retry').click()
      await expect(pending).toHaveAttribute('data-state', 'failed')
      await expect(pending.getByTestId('message-pending-state')).toHaveText('Not sent: it could not be delivered to this person')
      await expect(pending.getByRole('button', { name: 'Delete this unsent message' })).toBeVisible()
      await pending.getByTestId('message-pending-discard').click()
      await expect(pending).toHaveCount(0)
      await client.page.reload()
      await expect(client.page.getByTestId('message-pending')).toHaveCount(0)
    } finally {
      await world.staff.api.del(`/blocks/${world.client.user.id}`)
    }
  })
})
