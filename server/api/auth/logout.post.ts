import { SESSION_COOKIE, signOut } from '#server/domain/auth/sessions'

export default defineEventHandler(async (event) => {
  const user = await getAuthUser(event)
  if (!user) {
    // Still clear a stale cookie, but tell the caller they were not signed in.
    deleteCookie(event, SESSION_COOKIE, { path: '/' })
    throw unauthorized()
  }
  await signOut(event, user)
  return { ok: true }
})
