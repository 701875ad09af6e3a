import { expect, test } from './fixtures'

test('a client signs in, sends, reacts and edits, and still sees the edit and the reaction after a reload', async ({ page, world }) => {
  const { client, project, conversation } = world

  await page.goto('/')
  await expect(page).toHaveURL(/\/login$/)
  await page.getByTestId('login-email').fill(client.user.email)
  await page.getByTestId('login-password').fill(client.password)
  await page.getByTestId('login-submit').click()

  // Their only project: the app goes straight into it.
  await expect(page).toHaveURL(new RegExp(`/projects/${project.id}$`))
  await page.locator(`[data-testid="conversation-link"][data-conversation-id="${conversation.id}"]`).click()
  await expect(page.getByTestId('conversation-title')).toHaveText(conversation.title)
  await expect(page.getByText('No messages yet')).toBeVisible()

  const composer = page.getByTestId('composer')
  await composer.fill('Hello from the client')
  await composer.press('Enter')
  // Sent optimistically (over the socket, or REST when it is down): a message-item is the acknowledged message.
  const delivered = page.getByTestId('message-item').filter({ hasText: 'Hello from the client' })
  await expect(delivered).toHaveCount(1)
  const messageId = await delivered.getAttribute('data-message-id')
  // By id, not by text: the text is replaced by the editor below.
  const item = page.locator(`[data-testid="message-item"][data-message-id="${messageId}"]`)
  await expect(item.getByTestId('message-content')).toHaveText('Hello from the client')
  await expect(composer).toHaveValue('')

  await item.hover()
  await item.getByTestId('reaction-button').click()
  // The picker opens in a popover on <body> (EmojiMenu), not inside the message.
  await page.getByTestId('emoji-picker').locator('[data-testid="emoji-option"][data-emoji="👍"]').click()
  const chip = item.locator('[data-testid="reaction-chip"][data-emoji="👍"]')
  await expect(chip.getByTestId('reaction-count')).toHaveText('1')
  await expect(chip).toHaveAttribute('aria-pressed', 'true')

  await item.hover()
  await item.getByTestId('edit-button').click()
  const editor = item.getByTestId('edit-input')
  await editor.fill('Hello, edited')
  const edited = page.waitForResponse(r => r.request().method() === 'PATCH' && r.url().includes('/api/messages/'))
  await editor.press('Enter')
  expect((await edited).status()).toBe(200)
  await expect(item.getByTestId('message-content')).toHaveText('Hello, edited')
  await expect(item.getByTestId('message-edited')).toHaveText('(edited)')

  await page.reload()
  const reloaded = page.getByTestId('message-item')
  await expect(reloaded).toHaveCount(1)
  await expect(reloaded.getByTestId('message-content')).toHaveText('Hello, edited')
  await expect(reloaded.getByTestId('message-edited')).toBeVisible()
  await expect(reloaded.locator('[data-testid="reaction-chip"][data-emoji="👍"] [data-testid="reaction-count"]')).toHaveText('1')
})

test('a sender deletes their message and everyone sees "Message deleted"', async ({ page, world }) => {
  const { client, project, conversation } = world
  const posted = await client.api.post(`/conversations/${conversation.id}/messages`, { clientId: crypto.randomUUID(), content: 'to be deleted' })
  expect(posted.status).toBe(201)

  await page.goto('/login')
  await page.getByTestId('login-email').fill(client.user.email)
  await page.getByTestId('login-password').fill(client.password)
  await page.getByTestId('login-submit').click()
  await expect(page).toHaveURL(new RegExp(`/projects/${project.id}$`))
  await page.goto(`/projects/${project.id}/c/${conversation.id}`)

  const item = page.getByTestId('message-item').filter({ hasText: 'to be deleted' })
  await item.hover()
  await item.getByTestId('delete-button').click()
  await item.getByTestId('delete-confirm').click()
  await expect(page.getByTestId('message-deleted')).toHaveText('Message deleted')
  await expect(page.getByTestId('message-content')).toHaveCount(0)
})
