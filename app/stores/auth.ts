import { defineStore } from 'pinia'
import type { PublicUser } from '#shared/types'

export const useAuthStore = defineStore('auth', () => {
  const chat = useChatApi()
  const user = ref<PublicUser | null>(null)
  // Whether GET /api/me has answered once in this app instance (signed out is a valid answer).
  const checked = ref(false)
  // Started without a network (the service worker's app shell): the user is the one signed in last on this
  // browser, not yet confirmed by the server. recheck() confirms or ends it once the network is back.
  const remembered = ref(false)

  const isAdmin = computed(() => user.value?.role === 'admin')

  /** Loads the signed-in user once; 401 means signed out, other failures are rethrown. */
  async function ensureUser(): Promise<PublicUser | null> {
    if (checked.value) return user.value
    try {
      user.value = (await chat.me()).user
    } catch (error) {
      const kept = import.meta.client && isApiError(error, 'network_error') ? recallUser() : null
      if (kept) {
        user.value = kept
        remembered.value = true
      } else if (!isApiError(error) || error.statusCode !== 401) {
        throw error
      } else {
        user.value = null
      }
    }
    checked.value = true
    return user.value
  }

  async function login(email: string, password: string) {
    user.value = (await chat.login(email, password)).user
    checked.value = true
  }

  /** After a sign-up or invite redemption: the server already set the session cookie. */
  function signedIn(next: PublicUser) {
    user.value = next
    checked.value = true
  }

  /** Asks the server again; 'suspended' or 'signed-out' when the session is over (the user is then cleared). */
  async function recheck(): Promise<'suspended' | 'signed-out' | null> {
    try {
      user.value = (await chat.me()).user
      remembered.value = false
      return null
    } catch (error) {
      if (!isApiError(error) || (error.statusCode !== 401 && error.code !== 'suspended')) return null
      user.value = null
      checked.value = true
      return error.code === 'suspended' ? 'suspended' : 'signed-out'
    }
  }

  async function logout() {
    const id = user.value?.id
    try {
      await chat.logout()
    } finally {
      user.value = null
      checked.value = true
      // Before the reload to /login: nothing of this account stays in the browser's cache (history-cache.ts).
      if (import.meta.client) await clearHistoryCaches(id)
    }
  }

  return { user, checked, remembered, isAdmin, ensureUser, login, signedIn, recheck, logout }
})
