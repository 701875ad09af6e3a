// Pages that a signed-out visitor may open; everything else needs a session. Invite and sign-up links are
// opened signed out (an invite also works signed in: it joins the project).
const PUBLIC_PATHS = new Set(['/login'])
const PUBLIC_PREFIXES = ['/signup/', '/invite/']

export default defineNuxtRouteMiddleware(async (to) => {
  const auth = useAuthStore()
  const user = await auth.ensureUser()
  if (!user && !PUBLIC_PATHS.has(to.path) && !PUBLIC_PREFIXES.some(p => to.path.startsWith(p))) {
    return navigateTo({ path: '/login', query: to.fullPath === '/' ? {} : { redirect: to.fullPath } })
  }
  if (user && to.path === '/login') return navigateTo('/')
  // Analysts belong to no project: their home is the analytics dashboard (layers/admin).
  if (user?.role === 'analyst' && to.path === '/') return navigateTo('/admin/analytics', { replace: true })
})
