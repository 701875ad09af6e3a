import { ADMIN } from '../helpers/app-process'
import { inviteUser } from '../helpers/api'
import type { Actor } from '../helpers/api'
import { createConversation, expect, signInAs, test } from './fixtures'

async function post(actor: Actor, conversationId: string, content: string): Promise<string> {
  const res = await actor.api.post(`/conversations/${conversationId}/messages`, { clientId: crypto.randomUUID(), content })
  expect(res.status, JSON.stringify(res.body)).toBe(201)
  return res.body.message.id
}

test('an admin resolves a report by suspending the sender, whose open tab is signed out', async ({ page, browser, world, admin }) => {
  // Two browsers, the review, the modal's error path, the suspension reaching the other tab and two audit views:
  // 33 s on a slow day of this 2-core machine. A budget for the journey, not a speed check.
  test.setTimeout(90_000)
  // A sender of its own: suspending a worker's shared fixture user would break the tests after this one.
  const offender = await inviteUser(world.staff.api, world.project.id, 'client', 'offender')
  const conversation = await createConversation(world.staff, world.project.id, [offender.user.id, world.client.user.id])
  await post(world.staff, conversation.id, 'context before the report')
  const messageId = await post(offender, conversation.id, 'first draft of the abuse')
  expect((await offender.api.patch(`/messages/${messageId}`, { content: 'the reported abuse' })).status).toBe(200)
  await post(world.client, conversation.id, 'context after the report')
  const reported = await world.client.api.post(`/messages/${messageId}/report`, { reason: 'abuse' })
  expect(reported.status, JSON.stringify(reported.body)).toBe(201)

  // The offender has the conversation open in a browser of their own.
  const offenderContext = await browser.newContext()
  const offenderPage = await offenderContext.newPage()
  await signInAs(offenderPage, offender)
  await offenderPage.goto(`/projects/${world.project.id}/c/${conversation.id}`)
  await expect(offenderPage.locator('.app-shell')).toHaveAttribute('data-realtime', 'open')

  await signInAs(page, { user: admin.user, password: ADMIN.password })
  await page.goto('/admin/reports')
  await page.getByRole('link', { name: /the reported abuse/ }).click()
  await expect(page).toHaveURL(new RegExp(`/admin/reports/${reported.body.report.id}$`))

  const evidence = page.getByTestId('report-evidence')
  await expect(evidence.getByTestId('evidence-reported')).toContainText('the reported abuse')
  await expect(evidence.getByTestId('evidence-reported')).toContainText(offender.user.displayName)
  await expect(evidence.getByTestId('evidence-edits')).toContainText('first draft of the abuse')
  await expect(evidence.getByTestId('evidence-context')).toHaveText([/context before the report/, /context after the report/])
  await expect(page.getByTestId('report-sender')).toHaveText(offender.user.displayName)

  // Keyboard: the button opens the modal, focus lands in the reason field.
  await page.getByTestId('report-action-suspend').focus()
  await page.keyboard.press('Enter')
  const modal = page.getByRole('dialog', { name: `Suspend ${offender.user.displayName}` })
  await expect(modal).toBeVisible()
  await expect(modal.getByTestId('reason-input')).toBeFocused()

  // A reason is required before anything is sent; focus goes back to the field.
  await modal.getByTestId('reason-confirm').click()
  await expect(modal).toContainText('Give a reason')
  await expect(modal.getByTestId('reason-input')).toBeFocused()

  // The API's error is shown and the modal stays open (a refusal simulated once).
  await page.route('**/api/admin/reports/*/resolve', route => route.fulfill({
    status: 409, json: { statusCode: 409, message: 'Simulated refusal from the API', data: { code: 'conflict' } }
  }), { times: 1 })
  await page.keyboard.type('Repeated abuse after a warning')
  await modal.getByTestId('reason-confirm').click()
  await expect(modal.getByTestId('reason-error')).toContainText('Simulated refusal from the API')

  await modal.getByTestId('reason-confirm').click()
  await expect(modal).toHaveCount(0)
  await expect(page.getByTestId('report-action-status')).toHaveText('Sender suspended until lifted')
  await expect(page.getByTestId('report-action-suspend')).toBeDisabled()
  await expect(page.getByTestId('report-action-status')).toBeFocused()
  // Resolved: the other resolutions are closed, the page shows the note.
  await expect(page.getByTestId('report-action-dismiss')).toBeDisabled()
  await expect(page.getByTestId('report-resolution')).toContainText('suspend_user: Repeated abuse after a warning')
  expect((await offender.api.get('/me')).status).toBe(403)
  await expect(offenderPage).toHaveURL(/\/login\?reason=suspended/)
  await expect(offenderPage.getByTestId('login-notice')).toHaveText('Your account has been suspended.')
  await offenderContext.close()
  // The reporter sees their report handled, not what was done.
  const mine = (await world.client.api.get('/reports')).body.reports.find((r: any) => r.id === reported.body.report.id)
  expect(mine.status).toBe('handled')

  await page.getByRole('navigation', { name: 'Admin sections' }).getByRole('link', { name: 'Audit log' }).click()
  await expect(page).toHaveURL(/\/admin\/audit$/)
  await page.goto(`/admin/audit?action=user.suspend&targetId=${offender.user.id}`)
  await expect(page.getByTestId('audit-action')).toHaveText(['user.suspend'])
  await expect(page.getByTestId('audit-table')).toContainText('Repeated abuse after a warning')
  // Opening the evidence was logged too.
  await page.goto(`/admin/audit?action=report.view&targetId=${reported.body.report.id}`)
  await expect(page.getByTestId('audit-action').first()).toHaveText('report.view')
})

test('an admin deletes a reported message and locks its conversation, each with a reason', async ({ page, world, admin }) => {
  const conversation = await createConversation(world.staff, world.project.id, [world.client.user.id])
  const messageId = await post(world.staff, conversation.id, 'a message to take down')
  expect((await world.client.api.post(`/messages/${messageId}/report`, { reason: 'spam' })).status).toBe(201)

  await signInAs(page, { user: admin.user, password: ADMIN.password })
  await page.goto('/admin/reports?status=open')
  await page.getByRole('link', { name: /a message to take down/ }).click()

  await page.getByTestId('report-action-delete').click()
  let modal = page.getByRole('dialog', { name: 'Delete the reported message' })
  await modal.getByTestId('reason-input').fill('Spam link')
  await modal.getByTestId('reason-confirm').click()
  await expect(modal).toHaveCount(0)
  await expect(page.getByTestId('report-action-delete')).toHaveText('Message deleted')
  // Deleting resolved the report; locking is a direct action and stays available.
  await expect(page.getByTestId('report-action-dismiss')).toHaveText('Report resolved')

  await page.getByTestId('report-action-lock').click()
  modal = page.getByRole('dialog', { name: 'Lock the conversation' })
  await modal.getByTestId('reason-input').fill('Cooling off')
  await modal.getByTestId('reason-confirm').click()
  await expect(modal).toHaveCount(0)
  await expect(page.getByTestId('report-action-lock')).toBeDisabled()

  // Members now see the message deleted and the conversation read-only.
  const messages = await world.client.api.get(`/conversations/${conversation.id}/messages`)
  expect(messages.body.messages.find((m: any) => m.id === messageId).content).toBeNull()
  expect((await world.client.api.get(`/conversations/${conversation.id}`)).body.conversation.status).toBe('locked')
})
