// Pages that a signed-out visitor may open; everything else needs a session.
const PUBLIC_PATHS = new Set(['/login'])

export default defineNuxtRouteMiddleware(async (to) => {
  const auth = useAuthStore()
  const user = await auth.ensureUser()
  if (!user && !PUBLIC_PATHS.has(to.path)) {
    return navigateTo({ path: '/login', query: to.fullPath === '/' ? {} : { redirect: to.fullPath } })
  }
  if (user && to.path === '/login') return navigateTo('/')
})
