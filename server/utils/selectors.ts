// The adapters' and platform's selectors, auto-imported into route handlers (domain code imports them by path).
export { useDb, useDatabaseHandle } from '../adapters/database/use-database'
export { useBus } from '../adapters/bus/use-bus'
export { usePresence } from '../adapters/presence/use-presence'
export { useObjectStorage, useStorageUrlSigner } from '../adapters/storage/use-storage'
export { useIdentity } from '../adapters/identity/use-identity'
export { useConfig } from '../platform/config'
