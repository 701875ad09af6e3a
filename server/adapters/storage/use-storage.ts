import { join } from 'node:path'
import { useConfig } from '../../platform/config'
import { readOrCreateSecret } from '../../platform/secrets'
import { createLocalDiskStorage } from './local-disk'
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

let storage: ObjectStorage | undefined
/** The process's object storage: local disk under DATA_DIR/storage. */
export function useObjectStorage(): ObjectStorage {
  const config = useConfig()
  storage ??= createObjectStorage({
    root: join(config.dataDir, 'storage'),
    signer: useStorageUrlSigner(),
    uploadTtlSeconds: config.limits.uploadUrlTtlSeconds,
    downloadTtlSeconds: config.limits.downloadUrlTtlSeconds
  })
  return storage
}
