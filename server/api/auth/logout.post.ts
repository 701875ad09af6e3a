export default defineEventHandler(async (event) => {
  if (!(await getAuthUser(event))) {
    // Still clear a stale cookie, but tell the caller they were not signed in.
    deleteCookie(event, SESSION_COOKIE, { path: '/' })
    throw unauthorized()
  }
  await signOut(event)
  return { ok: true }
})
