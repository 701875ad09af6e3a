import { ADMIN } from '../helpers/app-process'
import { expect, signInAs, test } from './fixtures'

test('a non-admin opening /admin is redirected home (their only project)', async ({ page, world }) => {
  await signInAs(page, world.owner)
  await page.goto('/admin')
  await expect(page).toHaveURL(new RegExp(`/projects/${world.project.id}$`))
  await expect(page.getByTestId('admin-home')).toHaveCount(0)
  await expect(page.getByTestId('admin-link')).toHaveCount(0)
})

test('an admin sees the admin home', async ({ page, admin }) => {
  await signInAs(page, { user: admin.user, password: ADMIN.password })
  await page.goto('/')
  await page.getByTestId('admin-link').click()
  await expect(page).toHaveURL(/\/admin$/)
  await expect(page.getByTestId('admin-home')).toBeVisible()
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Admin')
})
