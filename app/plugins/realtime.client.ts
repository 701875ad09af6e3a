/**
 * Opens the socket once someone is signed in (the login page sets the user without a reload) and
 * restores their outbox and attachment tray, so messages typed before a reload or while offline still go out.
 */
export default defineNuxtPlugin(() => {
  const auth = useAuthStore()
  const outbox = useOutboxStore()
  const uploads = useUploadsStore()
  const realtime = useRealtime()

  watch(() => auth.user?.id, (userId) => {
    if (!userId) return realtime.stop()
    outbox.restore(userId)
    uploads.restore(userId)
    realtime.start()
  }, { immediate: true })
  // A message waiting for its uploads goes out the moment the last one finishes (or fails).
  watch(() => uploads.items.filter(i => i.sendingWith).map(i => i.state).join(), () => realtime.flushOutbox())
})
