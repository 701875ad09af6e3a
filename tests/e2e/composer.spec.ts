import { expect, signInAs, test } from './fixtures'
import { messageAction } from './sessions'

test('Enter sends the message and Shift+Enter inserts a newline', async ({ page, world }) => {
  await signInAs(page, world.client)
  await page.goto(`/projects/${world.project.id}/c/${world.conversation.id}`)

  const composer = page.getByTestId('composer')
  await composer.fill('line one')
  await composer.press('Shift+Enter')
  await composer.pressSequentially('line two')
  await expect(composer).toHaveValue('line one\nline two')
  await expect(page.getByTestId('message-item')).toHaveCount(0)

  await composer.press('Enter')
  const content = page.getByTestId('message-content')
  await expect(content).toHaveCount(1)
  expect(await content.evaluate(el => el.textContent)).toBe('line one\nline two')
  await expect(composer).toHaveValue('')
})

test('a client replies to a message and sees the quoted parent', async ({ page, world }) => {
  const { staff, client, conversation } = world
  const parent = await staff.api.post(`/conversations/${conversation.id}/messages`, { clientId: crypto.randomUUID(), content: 'How can we help?' })
  expect(parent.status).toBe(201)

  await signInAs(page, client)
  await page.goto(`/projects/${world.project.id}/c/${conversation.id}`)
  const original = page.getByTestId('message-item').filter({ hasText: 'How can we help?' })
  await messageAction(page, original, 'reply')
  await expect(page.getByTestId('composer-reply')).toContainText('How can we help?')

  await page.getByTestId('composer').fill('My invoice is wrong')
  await page.getByTestId('composer').press('Enter')
  const reply = page.getByTestId('message-item').filter({ hasText: 'My invoice is wrong' })
  await expect(reply.getByTestId('message-quote')).toContainText('How can we help?')
  await expect(page.getByTestId('composer-reply')).toHaveCount(0)
})
