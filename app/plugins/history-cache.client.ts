/**
 * The local-first cache (docs/architecture.md, "Client: the local-first cache"): one IndexedDB replica per signed-in user,
 * deleted whenever the browser is seen signed out (sign-out, an ended or suspended session, a visit to /login).
 */
export default defineNuxtPlugin(() => {
  const auth = useAuthStore()
  const rt = useRealtimeStore()
  const replica = installHistoryReplica()

  // sync: the replica is open before the first page's data loads (the route middleware sets the user).
  watch(() => auth.user, (user) => {
    if (user) {
      rememberUser(user)
      replica.open(user.id)
    } else if (auth.checked) {
      void replica.clear()
    }
  }, { immediate: true, flush: 'sync' })

  // Started offline as the user remembered: once the server can answer, it confirms the session or ends it.
  watch(() => rt.online, async (online) => {
    if (!online || !auth.remembered) return
    const ended = await auth.recheck()
    if (ended) await navigateTo({ path: '/login', query: { reason: ended } }, { replace: true })
  })
})
