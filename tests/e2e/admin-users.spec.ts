import { ADMIN } from '../helpers/app-process'
import { Api, inviteUser, uniq } from '../helpers/api'
import { expect, signInAs, test } from './fixtures'

test('an admin creates an account and is shown its one-time sign-up link, which copies and works', async ({ page, context, admin, baseURL }) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: baseURL })
  await signInAs(page, { user: admin.user, password: ADMIN.password })
  await page.goto('/admin')
  await page.getByTestId('admin-section-users').click()
  await expect(page).toHaveURL(/\/admin\/users$/)
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Users')

  await page.getByRole('button', { name: 'New user' }).click()
  const modal = page.getByRole('dialog', { name: 'New user' })
  await expect(modal.getByRole('textbox', { name: 'Email' })).toBeFocused()
  // The form checks before sending; focus goes to the field to fix.
  await modal.getByRole('button', { name: 'Create account' }).click()
  await expect(modal).toContainText('Enter an email address')
  await expect(modal.getByRole('textbox', { name: 'Email' })).toBeFocused()

  const email = `${uniq('made').toLowerCase()}@example.test`
  const name = uniq('Made By Admin')
  await modal.getByRole('textbox', { name: 'Email' }).fill(email)
  await modal.getByRole('textbox', { name: 'Display name' }).fill(name)
  await modal.getByRole('combobox', { name: 'Role', exact: true }).click()
  await page.getByRole('option', { name: 'Analyst' }).click()
  const created = page.waitForResponse(r => r.url().endsWith('/api/admin/users') && r.request().method() === 'POST')
  await modal.getByRole('button', { name: 'Create account' }).click()
  expect((await created).status()).toBe(201)

  const result = page.getByRole('dialog', { name: 'Account created' })
  await expect(result).toContainText('Shown once')
  const link = result.getByRole('textbox', { name: 'Sign-up link' })
  await expect(link).toBeFocused()
  const url = await link.inputValue()
  expect(url).toMatch(/\/signup\/[\w-]+$/)
  await result.getByRole('button', { name: 'Copy' }).click()
  await expect(result.getByRole('button', { name: 'Copied' })).toBeVisible()
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(url)
  await result.getByRole('button', { name: 'Done' }).click()
  await expect(result).toHaveCount(0)

  // The list reloads with the account on top (newest first), and the link really signs its owner up.
  const row = page.getByTestId('user-row').filter({ hasText: email })
  await expect(row).toContainText(name)
  await expect(page.getByRole('combobox', { name: `Role of ${name}` })).toHaveText('Analyst')
  const signup = await new Api(baseURL!).post(`/auth/signup/${url.split('/').pop()}`, { password: 'a-long-new-password' })
  expect(signup.status).toBe(200)
  expect(signup.body.user).toMatchObject({ email, role: 'analyst' })
})

test('an admin finds a user, changes their role and suspends and unsuspends them, each with a reason', async ({ page, world, admin }) => {
  // An account of its own: changing a worker's shared fixture users would break the tests after this one.
  const person = await inviteUser(world.staff.api, world.project.id, 'client', 'subject')
  const name = person.user.displayName
  await signInAs(page, { user: admin.user, password: ADMIN.password })
  await page.goto('/admin/users')

  await page.getByRole('searchbox', { name: 'Search' }).fill(person.user.email)
  await page.getByRole('combobox', { name: 'Role', exact: true }).click()
  await page.getByRole('option', { name: 'Member' }).click()
  await page.getByRole('button', { name: 'Apply' }).click()
  await expect(page).toHaveURL(/role=member/)
  await expect(page.getByTestId('user-row')).toHaveCount(1)
  await expect(page.getByTestId('users-summary')).toHaveText('1 user shown for these filters.')

  // Role: picking a new one asks for a reason first; cancelling leaves the role as it was.
  const role = page.getByRole('combobox', { name: `Role of ${name}` })
  await role.click()
  await page.getByRole('option', { name: 'Analyst' }).click()
  let modal = page.getByRole('dialog', { name: `Make ${name} an analyst` })
  await modal.getByRole('button', { name: 'Cancel' }).click()
  await expect(modal).toHaveCount(0)
  await expect(role).toHaveText('Member')
  await role.click()
  await page.getByRole('option', { name: 'Analyst' }).click()
  await modal.getByTestId('reason-input').fill('Moves to the reporting team')
  await modal.getByRole('button', { name: 'Change role' }).click()
  await expect(modal).toHaveCount(0)
  await expect(role).toHaveText('Analyst')
  await expect(page.getByTestId('users-action-status')).toHaveText(`${name} is now an analyst`)
  const roleAudit = await admin.api.get(`/admin/audit?action=user.role&targetId=${person.user.id}`)
  expect(roleAudit.body.entries[0]).toMatchObject({ reason: 'Moves to the reporting team', details: { from: 'member', to: 'analyst' } })

  // Suspend until a date, by keyboard: focus comes back to the row's button, which now unsuspends.
  await page.getByRole('button', { name: `Suspend ${name}`, exact: true }).focus()
  await page.keyboard.press('Enter')
  modal = page.getByRole('dialog', { name: `Suspend ${name}` })
  await expect(modal.getByTestId('reason-input')).toBeFocused()
  await page.keyboard.type('Spamming the support queue')
  const until = new Date(Date.now() + 3 * 86_400_000)
  const local = new Date(until.getTime() - until.getTimezoneOffset() * 60_000).toISOString().slice(0, 16)
  await modal.getByLabel('Until').fill(local)
  await modal.getByRole('button', { name: 'Suspend', exact: true }).click()
  await expect(modal).toHaveCount(0)
  const status = page.getByTestId('user-status')
  await expect(status).toContainText('Suspended until')
  await expect(status).toContainText('Spamming the support queue')
  await expect(page.getByRole('button', { name: `Unsuspend ${name}` })).toBeFocused()
  expect((await person.api.get('/me')).status).toBe(403)

  await page.getByRole('button', { name: `Unsuspend ${name}` }).click()
  modal = page.getByRole('dialog', { name: `Unsuspend ${name}` })
  await modal.getByTestId('reason-input').fill('Appeal accepted')
  await modal.getByRole('button', { name: 'Unsuspend' }).click()
  await expect(modal).toHaveCount(0)
  await expect(status).toHaveText('Active')
  expect((await person.api.get('/me')).status).toBe(200)
  const audit = await admin.api.get(`/admin/audit?targetType=user&targetId=${person.user.id}`)
  expect(audit.body.entries.slice(0, 3).map((e: any) => [e.action, e.reason])).toEqual([
    ['user.unsuspend', 'Appeal accepted'], ['user.suspend', 'Spamming the support queue'], ['user.role', 'Moves to the reporting team']
  ])
})

test('a non-admin opening /admin/users is sent home (their only project)', async ({ page, world }) => {
  await signInAs(page, world.owner)
  await page.goto('/admin/users')
  await expect(page).toHaveURL(new RegExp(`/projects/${world.project.id}$`))
  await expect(page.getByTestId('admin-users')).toHaveCount(0)
  expect((await world.owner.api.get('/admin/users')).status).toBe(404)
})
