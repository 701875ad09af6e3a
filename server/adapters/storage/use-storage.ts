import { join } from 'node:path'
import { useConfig } from '../../platform/config'
import { readOrCreateSecret } from '../../platform/secrets'
import { createLocalDiskStorage } from './local-disk'
import { createS3Storage } from './s3'
import type { S3StorageOptions } from './s3'
import type { ObjectStorage } from './storage'
import { requireStorageKey } from './storage'
import { createStorageUrlSigner } from './url-signer'
import type { StorageUrlSigner } from './url-signer'

let signer: StorageUrlSigner | undefined
/** Signs and checks the URLs of storage this app serves itself (AUTH_SECRET, or a key kept under DATA_DIR). */
export function useStorageUrlSigner(): StorageUrlSigner {
  signer ??= createStorageUrlSigner({ secret: readOrCreateSecret('storage-url-secret'), baseUrl: useConfig().publicUrl })
  return signer
}

export function createObjectStorage(options: { root: string, signer: StorageUrlSigner, uploadTtlSeconds?: number, downloadTtlSeconds?: number }): ObjectStorage {
  return createLocalDiskStorage({ ...options, requireKey: requireStorageKey })
}

export function createS3ObjectStorage(options: Omit<S3StorageOptions, 'requireKey'>): ObjectStorage {
  return createS3Storage({ ...options, requireKey: requireStorageKey })
}

let storage: ObjectStorage | undefined
/** The process's object storage: a bucket of an S3-protocol store with STORAGE_DRIVER=s3, else DATA_DIR/storage. */
export function useObjectStorage(): ObjectStorage {
  const config = useConfig()
  const ttls = { uploadTtlSeconds: config.limits.uploadUrlTtlSeconds, downloadTtlSeconds: config.limits.downloadUrlTtlSeconds }
  const { s3 } = config.storage
  storage ??= config.storage.driver === 's3'
    ? createS3ObjectStorage({
        bucket: s3.bucket,
        region: s3.region,
        endpoint: s3.endpoint,
        forcePathStyle: s3.forcePathStyle,
        credentials: { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey },
        ...ttls
      })
    : createObjectStorage({ root: join(config.dataDir, 'storage'), signer: useStorageUrlSigner(), ...ttls })
  return storage
}
