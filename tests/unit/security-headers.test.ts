import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3'
import { getSignedUrl } from '@aws-sdk/s3-request-presigner'
import { describe, expect, it } from 'vitest'
import { inlineScriptHashes, pageCsp, storageOrigins } from '../../server/platform/security-headers'

type S3Settings = { bucket: string, endpoint?: string, region: string, forcePathStyle: boolean }

const storage = (s3: S3Settings) => ({ driver: 's3' as const, s3: { endpoint: undefined, ...s3, accessKeyId: 'k', secretAccessKey: 's' } })

/** Where the SDK itself sends a presigned PUT for these settings. */
async function presignedOrigin(s3: S3Settings) {
  const client = new S3Client({ region: s3.region, endpoint: s3.endpoint, forcePathStyle: s3.forcePathStyle, credentials: { accessKeyId: 'k', secretAccessKey: 's' } })
  return new URL(await getSignedUrl(client, new PutObjectCommand({ Bucket: s3.bucket, Key: 'a/b' }), { expiresIn: 60 })).origin
}

describe('storage origins in the CSP', () => {
  it.each<[string, S3Settings]>([
    ['AWS, virtual-hosted', { bucket: 'sb-files', region: 'eu-west-1', forcePathStyle: false }],
    ['AWS, path style', { bucket: 'sb-files', region: 'eu-west-1', forcePathStyle: true }],
    ['Supabase Storage (path style)', { bucket: 'files', endpoint: 'https://ref.supabase.co/storage/v1/s3', region: 'us-east-1', forcePathStyle: true }],
    ['an S3-compatible store, virtual-hosted', { bucket: 'files', endpoint: 'https://s3.store.example:9443', region: 'auto', forcePathStyle: false }]
  ])('include where the SDK sends presigned requests: %s', async (_name, s3) => {
    expect(storageOrigins(storage(s3))).toContain(await presignedOrigin(s3))
  })

  it('are none for local-disk storage, whose URLs are the app\'s own', () => {
    expect(storageOrigins({ driver: 'local', s3: storage({ bucket: 'x', region: 'r', forcePathStyle: true }).s3 })).toEqual([])
  })
})

describe('inline script hashes', () => {
  it('hash classic, module and importmap inline scripts, and skip external scripts and data blocks', () => {
    const chunks = [
      '<script type="importmap">{"imports":{}}</script><script type="module" src="/_nuxt/a.js"></script>',
      '<script>window.__NUXT__={}</script><script type="application/json" id="__NUXT_DATA__">[1]</script><script type="module">import "x"</script>'
    ]
    expect(inlineScriptHashes(chunks)).toEqual([
      '\'sha256-URrTy+Il/Nz0lHojVUx275hWqAWhkSF0VsHbUM4/6Hw=\'', // {"imports":{}}
      '\'sha256-9t9kOTpBXQ6UK6UoTUcY2ezm5KT7oB5pbv8ZFsTUBAU=\'', // window.__NUXT__={}
      '\'sha256-NRn359Kz8db9/ND95zyCAS9z2QAJeDkX6IJWSSloAHw=\'' // import "x"
    ])
  })

  it('go into script-src only, beside \'self\', never as \'unsafe-inline\'', () => {
    const csp = pageCsp([], ['\'sha256-abc=\''])
    expect(csp).toContain('script-src \'self\' \'sha256-abc=\';')
    expect(csp.split(';').find(d => d.trim().startsWith('script-src'))).not.toContain('unsafe')
  })
})
