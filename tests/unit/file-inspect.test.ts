import sharp from 'sharp'
import { describe, expect, it } from 'vitest'
import { checkType } from '../../server/domain/files/inspect'

const png = () => sharp({ create: { width: 4, height: 4, channels: 3, background: '#fff' } }).png().toBuffer()
const check = (declaredType: string, sample: Buffer, size = sample.length) =>
  checkType({ declaredType, declaredSize: size, storedSize: sample.length, sample })

describe('file type check (magic bytes against the declared type)', () => {
  it('accepts bytes that are what they claim', async () => {
    expect(await check('image/png', await png())).toEqual({ ok: true })
    expect(await check('image/jpeg', await sharp(await png()).jpeg().toBuffer())).toEqual({ ok: true })
    expect(await check('application/pdf', Buffer.from('%PDF-1.7\n%âãÏÓ\n1 0 obj\n<<>>\nendobj\n', 'latin1'))).toEqual({ ok: true })
    expect(await check('text/plain', Buffer.from('Grüße, 世界 👋\ttab\r\n'))).toEqual({ ok: true })
    expect(await check('text/csv', Buffer.from('a,b\n1,2\n'))).toEqual({ ok: true })
  })

  it('refuses a renamed executable, a PNG called JPEG, and binary called text', async () => {
    const exe = Buffer.concat([Buffer.from('MZ\x90\x00\x03\x00', 'latin1'), Buffer.alloc(200)])
    expect(await check('image/png', exe)).toMatchObject({ ok: false, reason: 'type_mismatch', detail: 'declared image/png, bytes are application/x-msdownload' })
    expect(await check('image/jpeg', await png())).toMatchObject({ ok: false, reason: 'type_mismatch' })
    expect(await check('text/plain', await png())).toMatchObject({ ok: false, reason: 'type_mismatch', detail: 'declared text/plain, bytes are image/png' })
    expect(await check('text/plain', Buffer.from([0x41, 0x00, 0x42]))).toMatchObject({ ok: false, reason: 'type_mismatch' })
    expect(await check('text/plain', Buffer.from([0xC3, 0x28]))).toMatchObject({ ok: false, reason: 'type_mismatch', detail: 'declared text/plain, bytes are not UTF-8 text' })
    expect(await check('application/pdf', Buffer.from('just words'))).toMatchObject({ ok: false, reason: 'type_mismatch' })
  })

  it('keeps a sample cut inside a multi-byte character as text', async () => {
    const text = Buffer.from('ab€')
    const cut = text.subarray(0, text.length - 1)
    expect(await checkType({ declaredType: 'text/plain', declaredSize: 100, storedSize: 100, sample: cut })).toEqual({ ok: true })
  })

  it('refuses types off the allow-list, empty objects and sizes other than declared', async () => {
    expect(await check('image/svg+xml', Buffer.from('<svg/>'))).toMatchObject({ ok: false, reason: 'type_not_allowed' })
    expect(await check('text/plain', Buffer.alloc(0), 0)).toMatchObject({ ok: false, reason: 'empty' })
    expect(await check('text/plain', Buffer.from('abc'), 5)).toMatchObject({ ok: false, reason: 'size_mismatch', detail: 'declared 5 bytes, stored 3' })
  })
})
