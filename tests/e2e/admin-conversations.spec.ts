import { ADMIN } from '../helpers/app-process'
import { uniq } from '../helpers/api'
import type { Actor } from '../helpers/api'
import { createConversation, expect, signInAs, test } from './fixtures'

async function post(actor: Actor, conversationId: string, content: string): Promise<string> {
  const res = await actor.api.post(`/conversations/${conversationId}/messages`, { clientId: crypto.randomUUID(), content })
  expect(res.status, JSON.stringify(res.body)).toBe(201)
  return res.body.message.id
}

test('an admin filters conversations by project, status, title and member, kept in the URL, and pages through them', async ({ page, world, admin }) => {
  const topic = uniq('Refunds')
  const open = await createConversation(world.staff, world.project.id, [world.client.user.id], `${topic} open`)
  const locked = await createConversation(world.staff, world.project.id, [world.client2.user.id], `${topic} locked`)
  expect((await admin.api.patch(`/admin/conversations/${locked.id}`, { status: 'locked', reason: 'setup' })).status).toBe(200)
  await createConversation(world.staff, world.project.id, [world.client.user.id], uniq('Elsewhere'))

  await signInAs(page, { user: admin.user, password: ADMIN.password })
  await page.goto('/admin')
  await page.getByRole('navigation', { name: 'Admin sections' }).getByRole('link', { name: 'Conversations' }).click()
  await expect(page).toHaveURL(/\/admin\/conversations$/)
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Conversations')

  const filters = page.getByRole('search', { name: 'Filter conversations' })
  await filters.getByRole('combobox', { name: 'Project' }).click()
  await page.getByRole('option', { name: world.project.name }).click()
  await filters.getByRole('combobox', { name: 'Status' }).click()
  await page.getByRole('option', { name: 'Locked' }).click()
  await filters.getByRole('searchbox', { name: 'Title' }).fill(topic)
  await filters.getByRole('button', { name: 'Apply filters' }).click()
  await expect(page).toHaveURL(new RegExp(`projectId=${world.project.id}`))
  await expect(page).toHaveURL(/status=locked/)
  const rows = page.getByTestId('conversation-open')
  await expect(rows).toHaveText([`${topic} locked`])
  await expect(page.getByTestId('conversation-status')).toHaveText(['locked'])

  await filters.getByRole('combobox', { name: 'Status' }).click()
  await page.getByRole('option', { name: 'Any status' }).click()
  await filters.getByRole('button', { name: 'Apply filters' }).click()
  await expect(page).not.toHaveURL(/status=/)
  await expect(rows).toHaveText([`${topic} locked`, `${topic} open`])

  // Member: search people by name and pick one; only the conversations they take part in remain.
  await filters.getByRole('button', { name: 'Member', exact: true }).click()
  await page.getByPlaceholder('Name, email or id').fill(world.client2.user.email)
  await page.getByRole('option', { name: world.client2.user.displayName }).click()
  await filters.getByRole('button', { name: 'Apply filters' }).click()
  await expect(page).toHaveURL(new RegExp(`userId=${world.client2.user.id}`))
  await expect(rows).toHaveText([`${topic} locked`])

  // A shared URL restores the filters, the member's name included; `limit` pages by cursor.
  await page.goto(`/admin/conversations?projectId=${world.project.id}&q=${topic}&limit=1`)
  await expect(rows).toHaveText([`${topic} locked`])
  await expect(page.getByTestId('conversations-summary')).toContainText('more below')
  await page.getByRole('button', { name: 'Load more' }).click()
  await expect(rows).toHaveText([`${topic} locked`, `${topic} open`])
  await expect(page.getByTestId('list-end')).toBeVisible()
  await page.goto(`/admin/conversations?userId=${world.client2.user.id}&q=${topic}`)
  await expect(filters.getByRole('button', { name: 'Member', exact: true })).toHaveText(world.client2.user.displayName)
  await expect(rows).toHaveText([`${topic} locked`])
  expect(open.id).not.toBe(locked.id)
})

test('an admin opens a conversation they are not in, deletes and restores a message, locks it, and adds and removes a participant', async ({ page, world, admin }) => {
  const { conversation } = world
  await post(world.staff, conversation.id, 'an ordinary reply')
  const messageId = await post(world.client, conversation.id, 'a message to take down')
  const member = await world.client2.api.get(`/conversations/${conversation.id}`)
  expect(member.status).toBe(404)

  await signInAs(page, { user: admin.user, password: ADMIN.password })
  await page.goto(`/admin/conversations?projectId=${world.project.id}&q=${encodeURIComponent(conversation.title)}`)
  await page.getByRole('link', { name: conversation.title }).click()
  await expect(page).toHaveURL(new RegExp(`/admin/conversations/${conversation.id}$`))
  await expect(page.getByRole('heading', { level: 1 })).toContainText(conversation.title)
  const messages = page.getByTestId('admin-message')
  await expect(messages).toHaveCount(2)
  await expect(messages.first()).toContainText('a message to take down')
  await expect(page.getByRole('textbox')).toHaveCount(0)

  // Delete with a reason: admins keep the body, flagged; members see it gone.
  const target = messages.filter({ hasText: 'a message to take down' })
  await target.getByRole('button', { name: /^Delete the message from/ }).click()
  let modal = page.getByRole('dialog', { name: 'Delete the message' })
  await modal.getByTestId('reason-input').fill('Personal data of a third party')
  await modal.getByRole('button', { name: 'Delete message' }).click()
  await expect(modal).toHaveCount(0)
  await expect(target.getByTestId('message-deleted')).toBeVisible()
  await expect(target.getByTestId('message-content')).toHaveText('a message to take down')
  await expect(target.getByRole('button', { name: /^Restore the message from/ })).toBeFocused()
  const seen = await world.staff.api.get(`/conversations/${conversation.id}/messages`)
  expect(seen.body.messages.find((m: any) => m.id === messageId).content).toBeNull()

  await target.getByRole('button', { name: /^Restore the message from/ }).click()
  modal = page.getByRole('dialog', { name: 'Restore the message' })
  await modal.getByTestId('reason-input').fill('Consent given after all')
  await modal.getByRole('button', { name: 'Restore message' }).click()
  await expect(modal).toHaveCount(0)
  await expect(target.getByTestId('message-deleted')).toHaveCount(0)
  const restored = await world.staff.api.get(`/conversations/${conversation.id}/messages`)
  expect(restored.body.messages.find((m: any) => m.id === messageId).content).toBe('a message to take down')

  // Lock: the button that opened the modal is disabled now, so focus goes to the result.
  await page.getByRole('button', { name: 'Lock', exact: true }).click()
  modal = page.getByRole('dialog', { name: 'Lock the conversation' })
  await modal.getByTestId('reason-input').fill('Cooling off')
  await modal.getByRole('button', { name: 'Lock' }).click()
  await expect(modal).toHaveCount(0)
  await expect(page.getByTestId('conversation-status')).toHaveText('locked')
  await expect(page.getByRole('button', { name: 'Lock', exact: true })).toBeDisabled()
  await expect(page.getByTestId('conversation-action-status')).toHaveText('Conversation locked')
  await expect(page.getByTestId('conversation-action-status')).toBeFocused()
  expect((await world.client.api.get(`/conversations/${conversation.id}`)).body.conversation.status).toBe('locked')

  // Participants: add a project member who was not in it, then remove them with a reason.
  const participants = page.getByTestId('participant')
  await expect(participants).toHaveCount(2)
  await page.getByRole('combobox', { name: 'Add a project member' }).click()
  await page.getByRole('option', { name: new RegExp(`^${world.client2.user.displayName} `) }).click()
  await page.getByRole('button', { name: 'Add', exact: true }).click()
  await expect(participants).toHaveCount(3)
  await expect(participants.filter({ hasText: world.client2.user.displayName })).toBeVisible()
  expect((await world.client2.api.get(`/conversations/${conversation.id}`)).status).toBe(200)

  await page.getByRole('button', { name: `Remove ${world.client2.user.displayName}` }).click()
  modal = page.getByRole('dialog', { name: `Remove ${world.client2.user.displayName}` })
  await modal.getByTestId('reason-input').fill('Added by mistake')
  await modal.getByRole('button', { name: 'Remove participant' }).click()
  await expect(modal).toHaveCount(0)
  await expect(participants).toHaveCount(2)
  await expect(page.getByTestId('conversation-action-status')).toBeFocused()
  expect((await world.client2.api.get(`/conversations/${conversation.id}`)).status).toBe(404)

  const audit = await admin.api.get(`/admin/audit?targetId=${messageId}`)
  expect(audit.body.entries.map((e: any) => [e.action, e.reason])).toEqual([
    ['message.restore', 'Consent given after all'], ['message.delete', 'Personal data of a third party']
  ])
  const removal = await admin.api.get(`/admin/audit?action=participant.remove&targetId=${conversation.id}`)
  expect(removal.body.entries[0]).toMatchObject({ reason: 'Added by mistake', details: { userId: world.client2.user.id } })
})

test('a conversation that does not exist says so', async ({ page, admin }) => {
  await signInAs(page, { user: admin.user, password: ADMIN.password })
  await page.goto(`/admin/conversations/${crypto.randomUUID()}`)
  await expect(page.getByTestId('conversation-error')).toContainText('Conversation not found')
})
