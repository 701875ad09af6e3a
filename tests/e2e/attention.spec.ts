import { expect, test } from './fixtures'
import { messageItem, sessionsOf } from './sessions'

test.describe('presence and unread signals', () => {
  const { open, closeAll } = sessionsOf()
  test.afterEach(closeAll)

  test('others\' presence shows unknown while this client is offline', async ({ browser, baseURL, world }) => {
    const path = `/projects/${world.project.id}/c/${world.conversation.id}`
    const staff = await open(browser, baseURL!, world.staff, path)
    await open(browser, baseURL!, world.client, path)
    const dot = staff.page.locator(`[data-testid="conversation-members"] [data-testid="presence-dot"][data-user-id="${world.client.user.id}"]`)
    await expect(dot).toHaveAttribute('data-status', 'online')

    await staff.page.context().setOffline(true)
    await expect(dot).toHaveAttribute('data-status', 'unknown')
    await expect(dot).toHaveAttribute('aria-label', /presence unknown while you are offline/)

    await staff.page.context().setOffline(false)
    await expect(dot).toHaveAttribute('data-status', 'online')
  })

  test('unread mentions show in the tab title and on the favicon', async ({ browser, baseURL, world }) => {
    const client = await open(browser, baseURL!, world.client, `/projects/${world.project.id}`)
    const icon = client.page.locator('link[rel="icon"]')
    await expect(icon).toHaveAttribute('href', /^data:image\/png;base64,/)
    const mention = async (text: string) => {
      const res = await world.staff.api.post(`/conversations/${world.conversation.id}/messages`, { clientId: crypto.randomUUID(), content: `${text} @${world.client.user.handle}` })
      expect(res.status).toBe(201)
    }
    // Other tests' conversations may hold mentions too: count from what is already there.
    const before = Number((await icon.getAttribute('data-mentions')) ?? 0)
    const plainIcon = await icon.getAttribute('href')
    await mention('first')
    await expect(client.page).toHaveTitle(new RegExp(`^\\(${before + 1}\\) .*Switchboard$`))
    await mention('second')
    await expect(client.page).toHaveTitle(new RegExp(`^\\(${before + 2}\\) .*Switchboard$`))
    await expect(icon).toHaveAttribute('data-mentions', String(before + 2))
    expect(await icon.getAttribute('href')).not.toBe(plainIcon)

    await client.page.locator(`[data-testid="conversation-link"][data-conversation-id="${world.conversation.id}"]`).click()
    await expect(messageItem(client.page, 'second')).toHaveCount(1)
    await expect(icon).toHaveAttribute('data-mentions', String(before))
  })
})
