// Only global admins may open admin pages; the admin APIs enforce this again server-side.
// useAuthStore is auto-imported from the root app's stores (never `~/` inside a layer).
export default defineNuxtRouteMiddleware(async () => {
  const auth = useAuthStore()
  const user = await auth.ensureUser()
  if (user?.role !== 'admin') return navigateTo('/', { replace: true })
})
