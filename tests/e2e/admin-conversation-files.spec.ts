import { uniq } from '../helpers/api'
import { ADMIN } from '../helpers/app-process'
import { scanned, uploadFile } from '../helpers/files'
import { expect, signInAs, test } from './fixtures'

test('an admin reading a conversation sees each message\'s files with their size and scan verdict', async ({ page, world, admin }) => {
  const file = await uploadFile(world.client, world.conversation.id, { name: 'contract.txt', type: 'text/plain', bytes: Buffer.from('signed, 2 pages\n') })
  await scanned(world.client, file.id)
  const sent = await world.client.api.post(`/conversations/${world.conversation.id}/messages`, { clientId: uniq('c'), content: 'the contract', type: 'file', fileIds: [file.id] })
  expect(sent.status).toBe(201)

  await signInAs(page, { user: admin.user, password: ADMIN.password })
  await page.goto(`/admin/conversations/${world.conversation.id}`)
  const attached = page.getByRole('list', { name: /Files of the message from/ }).getByTestId('message-file')
  await expect(attached).toHaveCount(1)
  await expect(attached).toContainText('contract.txt')
  await expect(attached).toContainText('16 B')
  await expect(attached).toContainText('Passed the scan')
  await expect(attached.getByRole('link', { name: 'Quarantine' })).toHaveCount(0)
})
