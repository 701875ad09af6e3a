import { createHash } from 'node:crypto'
import { ADMIN } from '../helpers/app-process'
import { scanned, uploadFile } from '../helpers/files'
import { expect, signInAs, test } from './fixtures'

// A Windows executable renamed to .png: the DOS header's "MZ" magic, then filler.
const renamedExecutable = Buffer.concat([Buffer.from([0x4D, 0x5A, 0x90, 0x00, 0x03, 0x00, 0x00, 0x00]), Buffer.alloc(1024, 0x20)])

test('an admin finds a blocked file in the quarantine with its verdict, deletes it for good with a reason, and the audit log lists it', async ({ page, world, admin }) => {
  const file = await uploadFile(world.client, world.conversation.id, { name: 'photo.png', type: 'image/png', bytes: renamedExecutable })
  const verdict = (await scanned(world.client, file.id)).file
  expect(verdict).toMatchObject({ status: 'blocked', blockedReason: 'type_mismatch' })
  // A file created but never uploaded, for the status filter.
  const waiting = await world.client.api.post(`/conversations/${world.conversation.id}/files`, { fileName: 'notes.txt', size: 10, mimeType: 'text/plain' })
  expect(waiting.status).toBe(201)

  await signInAs(page, { user: admin.user, password: ADMIN.password })
  await page.goto('/admin')
  await page.getByTestId('admin-section-files').click()
  await expect(page).toHaveURL(/\/admin\/files$/)
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Quarantine')
  await expect(page.getByRole('navigation', { name: 'Admin sections' }).getByRole('link', { name: 'Quarantine' })).toHaveAttribute('aria-current', 'page')

  const filters = page.getByRole('search', { name: 'Filter files' })
  await filters.getByRole('combobox', { name: 'Project' }).click()
  await page.getByRole('option', { name: world.project.name }).click()
  await filters.getByRole('button', { name: 'Apply filters' }).click()
  await expect(page).toHaveURL(new RegExp(`projectId=${world.project.id}`))
  await expect(page).not.toHaveURL(/status=/)

  const rows = page.getByRole('row').filter({ has: page.getByTestId('file-row') })
  await expect(rows).toHaveCount(1)
  const row = rows.first()
  await expect(row.getByTestId('file-name')).toHaveText('photo.png')
  await expect(row.getByTestId('file-type')).toHaveText('image/png')
  await expect(row.getByTestId('file-size')).toHaveText('1 KiB')
  await expect(row.getByTestId('file-verdict-badge')).toHaveText('Not the declared type')
  await expect(row.getByTestId('file-scan-detail')).toHaveText('declared image/png, bytes are application/x-msdownload')
  const sha256 = createHash('sha256').update(renamedExecutable).digest('hex')
  await expect(row.getByTestId('file-sha256')).toHaveText(`${sha256.slice(0, 12)}…`)
  await expect(row.getByTestId('file-sha256')).toHaveAttribute('title', sha256)
  await expect(row).toContainText(world.client.user.displayName)
  await expect(row).toContainText(world.client.user.email)
  await expect(row.getByTestId('file-virus-scanned')).toContainText(`Virus-scanned: ${verdict.virusScanned ? 'yes' : 'no'}`)
  // The only link is to the conversation: a blocked file is never offered for download.
  await expect(row.getByRole('link')).toHaveCount(1)
  await expect(row.getByRole('link', { name: world.conversation.title })).toHaveAttribute('href', `/admin/conversations/${world.conversation.id}`)

  // Another status, through the filter and the URL.
  await filters.getByRole('combobox', { name: 'Status' }).click()
  await page.getByRole('option', { name: 'Not uploaded yet' }).click()
  await filters.getByRole('button', { name: 'Apply filters' }).click()
  await expect(page).toHaveURL(/status=pending_upload/)
  await expect(rows.getByTestId('file-name')).toHaveText(['notes.txt'])
  await page.goBack()
  await expect(rows.getByTestId('file-name')).toHaveText(['photo.png'])

  await row.getByRole('button', { name: 'Delete for good: photo.png' }).click()
  const modal = page.getByRole('dialog', { name: 'Delete photo.png for good' })
  await modal.getByRole('button', { name: 'Delete for good' }).click()
  await expect(modal.getByTestId('reason-input')).toBeFocused()
  await modal.getByTestId('reason-input').fill('Executable disguised as an image')
  await modal.getByRole('button', { name: 'Delete for good' }).click()
  await expect(modal).toHaveCount(0)
  await expect(rows).toHaveCount(0)
  await expect(page.getByTestId('file-table')).toContainText('Nothing is in quarantine for this project.')
  await expect(page.getByTestId('files-action-status')).toHaveText('photo.png was deleted for good')
  await expect(page.getByTestId('files-action-status')).toBeFocused()
  expect((await world.client.api.get(`/files/${file.id}`)).status).toBe(404)

  const audit = await admin.api.get(`/admin/audit?action=file.delete&targetId=${file.id}`)
  expect(audit.status).toBe(200)
  expect(audit.body.entries).toEqual([expect.objectContaining({
    action: 'file.delete', targetType: 'file', targetId: file.id, reason: 'Executable disguised as an image',
    details: expect.objectContaining({ fileName: 'photo.png', sha256, blockedReason: 'type_mismatch' })
  })])
  await page.goto(`/admin/audit?action=file.delete&targetType=file&targetId=${file.id}`)
  await expect(page.getByTestId('audit-action')).toHaveText(['file.delete'])
})

test('the quarantine shows the API\'s message for a filter it refuses, and Clear goes back to the blocked files', async ({ page, admin }) => {
  await signInAs(page, { user: admin.user, password: ADMIN.password })
  await page.goto('/admin/files?status=quarantined')
  await expect(page.getByTestId('files-error')).toContainText('Could not load the files')
  await page.getByRole('button', { name: 'Clear' }).click()
  await expect(page).toHaveURL(/\/admin\/files$/)
  await expect(page.getByTestId('files-error')).toHaveCount(0)
  await expect(page.getByTestId('files-summary')).toContainText('shown')
})

test('a non-admin opening /admin/files is sent home (their only project), and the API does not exist for them', async ({ page, world }) => {
  await signInAs(page, world.owner)
  await page.goto('/admin/files')
  await expect(page).toHaveURL(new RegExp(`/projects/${world.project.id}$`))
  await expect(page.getByTestId('admin-files')).toHaveCount(0)
  expect((await world.owner.api.get('/admin/files')).status).toBe(404)
})
