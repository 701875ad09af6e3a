import { useConfig } from '../../platform/config'
import type { Identity } from './identity'
import { createLocalIdentity } from './local'
import { createSupabaseIdentity } from './supabase'

let identity: Identity | undefined

/** Supabase Auth when SUPABASE_URL is set, else local accounts: the one place the identity mode is chosen. */
export function useIdentity(): Identity {
  const config = useConfig()
  identity ??= config.supabaseUrl ? createSupabaseIdentity(config) : createLocalIdentity()
  return identity
}
