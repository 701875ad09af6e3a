import { afterEach, describe, expect, it, vi } from 'vitest'
import { readConfig } from '../../server/platform/config'

const NAMES = ['STORAGE_DRIVER', 'S3_BUCKET', 'S3_ENDPOINT', 'S3_REGION', 'S3_ACCESS_KEY_ID', 'S3_SECRET_ACCESS_KEY', 'S3_FORCE_PATH_STYLE']
function withEnv(values: Record<string, string>) {
  for (const name of NAMES) vi.stubEnv(name, values[name])
}
afterEach(() => {
  vi.unstubAllEnvs()
})

describe('storage configuration', () => {
  it('uses local disk unless STORAGE_DRIVER says s3', () => {
    withEnv({})
    expect(readConfig().storage).toMatchObject({ driver: 'local', s3: { region: 'us-east-1', forcePathStyle: false, endpoint: undefined } })
  })

  it('reads an S3-protocol store, such as Supabase Storage', () => {
    withEnv({
      STORAGE_DRIVER: 's3', S3_BUCKET: 'files', S3_ENDPOINT: 'https://ref.supabase.co/storage/v1/s3', S3_REGION: 'eu-central-1',
      S3_ACCESS_KEY_ID: 'id', S3_SECRET_ACCESS_KEY: 'secret', S3_FORCE_PATH_STYLE: 'true'
    })
    expect(readConfig().storage).toEqual({
      driver: 's3',
      s3: { bucket: 'files', endpoint: 'https://ref.supabase.co/storage/v1/s3', region: 'eu-central-1', accessKeyId: 'id', secretAccessKey: 'secret', forcePathStyle: true }
    })
  })

  it('refuses to start on s3 without a bucket and keys, naming what is missing', () => {
    withEnv({ STORAGE_DRIVER: 's3', S3_ACCESS_KEY_ID: 'id' })
    expect(() => readConfig()).toThrow('STORAGE_DRIVER=s3 needs S3_BUCKET, S3_SECRET_ACCESS_KEY')
    withEnv({ STORAGE_DRIVER: 'supabase' })
    expect(() => readConfig()).toThrow(/STORAGE_DRIVER must be local or s3/)
  })
})
